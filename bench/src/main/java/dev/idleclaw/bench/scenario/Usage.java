package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.proc.ProcSample;

/** One process over a window: CPU seconds and % of one core, RSS at the end and at its peak (MB). */
public record Usage(double cpuSeconds, double cpuPercent, double rssMb, double peakRssMb) {

    static Usage between(ProcSample from, ProcSample to, long peakRssBytes) {
        return new Usage(to.cpuSecondsSince(from), to.cpuPercentSince(from), to.rssMb(),
                Math.max(to.rssBytes(), peakRssBytes) / (1024.0 * 1024.0));
    }
}
