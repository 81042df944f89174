package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.load.LoadSummary;
import java.util.Map;

/** A load run and what every watched process used during its measured phase (by process name). */
public record Measured(LoadSummary load, Map<String, Usage> usage) {

    /** CPU microseconds {@code process} spent per token the consumers received in the same window (NaN when none). */
    public double microsPerToken(String process) {
        Usage u = usage.get(process);
        return u == null || load.windowTokens() == 0 ? Double.NaN : u.cpuSeconds() * 1e6 / load.windowTokens();
    }

    public Usage of(String process) {
        return usage.getOrDefault(process, new Usage(0, 0, 0, 0));
    }
}
