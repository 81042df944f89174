package dev.idleclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code idleclaw status}: is the hub up, how many nodes, which models. Exit 1 when offline. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether a hub is online, its nodes and models.")
final class StatusCommand implements Callable<Integer> {
    /** Status is a quick look: a hub slower than this counts as offline. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--server", defaultValue = "${env:IDLECLAW_SERVER:-http://127.0.0.1:8000}",
            description = "Hub base URL (env: IDLECLAW_SERVER, default: http://127.0.0.1:8000).")
    String server;
    @Mixin
    TlsOption tls = new TlsOption();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        HubClient hub;
        try {
            hub = new HubClient(server, tls);
        } catch (IllegalArgumentException e) {
            System.err.println("idleclaw status: " + e.getMessage());
            return 2;
        }
        JsonNode health, metrics;
        try {
            health = get(hub, "/health");
            metrics = get(hub, "/metrics");
        } catch (Exception e) {
            out.println("IdleClaw hub " + hub.base + ": OFFLINE (" + HubClient.describe(e) + ")");
            return 1;
        }
        out.println("IdleClaw hub " + hub.base + ": ONLINE");
        out.println("  nodes connected: " + health.path("node_count").asLong());
        out.println("  uptime:          " + uptime(health.path("uptime_seconds").asLong()));
        out.println("  requests:        " + metrics.path("requests_total").asLong() + " served, "
                + metrics.path("requests_active").asLong() + " active");
        JsonNode models = metrics.path("models_available");
        if (models.isEmpty()) {
            out.println("  models:          none (no node is serving)");
        } else {
            out.println("  models:");
            for (JsonNode m : models) {
                long n = m.path("node_count").asLong();
                out.printf("    %-40s %d node%s%n", m.path("name").asText(), n, n == 1 ? "" : "s");
            }
        }
        return 0;
    }

    private static JsonNode get(HubClient hub, String path) throws Exception {
        var req = HttpRequest.newBuilder(hub.uri(path)).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<String> res = hub.http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) throw new IllegalStateException("HTTP " + res.statusCode() + " from " + path);
        return Json.parse(res.body());
    }

    static String uptime(long s) {
        long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
        return (d > 0 ? d + "d " : "") + (d > 0 || h > 0 ? h + "h " : "") + (d > 0 || h > 0 || m > 0 ? m + "m " : "") + sec + "s";
    }
}
