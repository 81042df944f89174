package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The hub's own receipt accounting: {@code idleclaw_receipts_total} by outcome ({@code GET /metrics} as Prometheus
 * text: {@code accepted} or a rejection reason) and the ledger's row count ({@code GET /balance} totals.receipts).
 */
final class HubReceipts {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SAMPLE = Pattern.compile("^idleclaw_receipts_total\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern OUTCOME = Pattern.compile("outcome=\"([^\"]*)\"");
    static final String ACCEPTED = "accepted";
    /** Poll period while the hub records the receipts of the last answers (it may check one just after the answer ends). */
    private static final long SETTLE_POLL_MILLIS = 50;

    /** Receipts the hub checked so far: accepted, and rejected by reason. */
    record Count(long accepted, Map<String, Long> rejected) {
        long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }

        /** What was counted since {@code earlier}. */
        Count since(Count earlier) {
            var r = new TreeMap<String, Long>();
            rejected.forEach((k, v) -> {
                long d = v - earlier.rejected.getOrDefault(k, 0L);
                if (d != 0) r.put(k, d);
            });
            return new Count(accepted - earlier.accepted, Map.copyOf(r));
        }
    }

    private HubReceipts() {}

    /** The hub's receipt counters now. */
    static Count read(URI hub) throws IOException, InterruptedException {
        String text = get(hub, "/metrics", "text/plain");
        long accepted = 0;
        var rejected = new TreeMap<String, Long>();
        var m = SAMPLE.matcher(text);
        while (m.find()) {
            var o = OUTCOME.matcher(m.group(1));
            if (!o.find()) continue;
            long n = (long) Double.parseDouble(m.group(2));
            if (o.group(1).equals(ACCEPTED)) accepted += n;
            else rejected.merge(o.group(1), n, Long::sum);
        }
        return new Count(accepted, Map.copyOf(rejected));
    }

    /**
     * The counts since {@code before}, once the hub has checked at least {@code expected} receipts since then or
     * {@code timeout} has passed (whatever it counted by then).
     */
    static Count settle(URI hub, Count before, long expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Count d = read(hub).since(before);
            if (d.accepted() + d.rejectedTotal() >= expected || System.nanoTime() - deadline >= 0) return d;
            Thread.sleep(SETTLE_POLL_MILLIS);
        }
    }

    /** Rows in the hub's ledger ({@code GET /balance}: totals.receipts). */
    static long ledgerRows(URI hub) throws IOException, InterruptedException {
        Map<?, ?> balance = Json.read(get(hub, "/balance", "application/json"), Map.class);
        return ((Number) ((Map<?, ?>) balance.get("totals")).get("receipts")).longValue();
    }

    private static String get(URI hub, String path, String accept) throws IOException, InterruptedException {
        var res = HTTP.send(HttpRequest.newBuilder(hub.resolve(path)).header("Accept", accept).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IOException("GET " + path + ": HTTP " + res.statusCode());
        return res.body();
    }
}
