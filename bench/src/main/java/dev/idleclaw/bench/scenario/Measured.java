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

    /**
     * CPU microseconds {@code process} spent per request that started in the measured window (NaN when none). The
     * CPU is counted until those requests all finished, so this is their whole cost (plus at most one request per
     * consumer still in flight when the window opened).
     */
    public double microsPerRequest(String process) {
        return microsPerRequest(usage.get(process));
    }

    /** {@link #microsPerRequest(String)} of a usage such as a {@link #sum}. */
    public double microsPerRequest(Usage u) {
        return u == null || load.requests() == 0 ? Double.NaN : u.cpuSeconds() * 1e6 / load.requests();
    }

    public Usage of(String process) {
        return usage.getOrDefault(process, new Usage(0, 0, 0, 0));
    }

    /** Every process whose name starts with {@code prefix} (e.g. the node agents), summed: CPU, and RSS at the end and peak. */
    public Usage sum(String prefix) {
        double cpu = 0, percent = 0, rss = 0, peak = 0;
        for (var e : usage.entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            Usage u = e.getValue();
            cpu += u.cpuSeconds();
            percent += u.cpuPercent();
            rss += u.rssMb();
            peak += u.peakRssMb();
        }
        return new Usage(cpu, percent, rss, peak);
    }
}
