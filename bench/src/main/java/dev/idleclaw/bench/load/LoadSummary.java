package dev.idleclaw.bench.load;

import dev.idleclaw.bench.Table;
import java.util.Map;

/**
 * The figures of one load run's measured window: the requests that started in it ({@code requests},
 * {@code failures}, their {@code tokens}, TTFT and total-time percentiles), what arrived during it
 * ({@code windowTokens} and the rates), the load generator's own CPU, and the kinds of failure seen.
 * {@code answered} counts every request of the whole run that got a complete answer: the probe, the warm-up, the
 * window and the tail that was still in flight when the window closed (every consumer finishes it before stopping).
 */
public record LoadSummary(String door, int concurrency, long requests, long failures, double seconds, long tokens,
                          long windowTokens, double requestsPerSecond, double tokensPerSecond, Latency ttft, Latency total,
                          double cpuSeconds, double cpuPercent, Map<String, Long> errors, long answered) {

    /** The standard table header, matching {@link #addTo}. */
    public static Table table(String first) {
        return new Table(first, "conc", "reqs", "fail", "req/s", "tok/s", "ttft p50", "p90", "p99", "max",
                "total p50", "p90", "p99", "max", "load cpu%");
    }

    /** Adds this run as one row of {@link #table}. */
    public Table addTo(Table t, String label) {
        return t.row(label, concurrency, requests, failures, requestsPerSecond, tokensPerSecond,
                ttft.p50(), ttft.p90(), ttft.p99(), ttft.max(), total.p50(), total.p90(), total.p99(), total.max(), cpuPercent);
    }

    /** Tokens the consumers received per request on average. */
    public double tokensPerRequest() {
        return requests == 0 ? 0 : (double) tokens / requests;
    }
}
