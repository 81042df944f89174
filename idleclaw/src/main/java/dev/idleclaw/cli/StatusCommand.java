package dev.idleclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code idleclaw status}: is the hub up, how many nodes, which models. Exit 1 when offline or not a hub. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether a hub is online, its nodes and models.")
final class StatusCommand implements Callable<Integer> {
    /** Status is a quick look: a hub slower than this counts as offline. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Option(names = ServerSetting.FLAG, paramLabel = "URL",
            description = "Hub base URL (env: " + ServerSetting.ENV + ", default: " + ServerSetting.DEFAULT + ").")
    String server;
    @Mixin
    TlsOption tls = new TlsOption();
    /** Where {@code $IDLECLAW_SERVER} is read from (tests pass their own). */
    private final Function<String, String> env;

    StatusCommand() {
        this(System::getenv);
    }

    StatusCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        HubClient hub;
        try {
            hub = HubClient.of(server, env, tls);
        } catch (IllegalArgumentException e) {
            System.err.println("idleclaw status: " + e.getMessage());
            return 2;
        }
        JsonNode health, metrics;
        try {
            var answer = get(hub, "/health");
            int code = answer.statusCode();
            health = code / 100 == 2 ? hubHealth(answer.body()) : null;
            // A hub answers /health with {"status","uptime_seconds","node_count"}; 404/405 or another body means
            // something else listens there (an Ollama, an OpenAI base URL, a web server).
            if (code == 404 || code == 405 || code / 100 == 2 && health == null) {
                out.println(Printable.of(hub.notAHub("GET " + hub.uri("/health").getRawPath() + " with HTTP " + code + " "
                        + HubClient.snippet(answer.body()))));
                return 1;
            }
            if (health == null) throw new IllegalStateException("HTTP " + code + " from /health");
            var m = get(hub, "/metrics");
            if (m.statusCode() / 100 != 2) throw new IllegalStateException("HTTP " + m.statusCode() + " from /metrics");
            metrics = Json.parse(m.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            out.println(Printable.of("IdleClaw hub " + hub.base + ": OFFLINE (" + HubClient.describe(e, hub.uri("/health")) + "; " + hub.origin + ")"));
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
                out.printf("    %-40s %d node%s%n", Printable.of(m.path("name").asText()), n, n == 1 ? "" : "s");
            }
        }
        return 0;
    }

    private static HttpResponse<String> get(HubClient hub, String path) throws Exception {
        var req = HttpRequest.newBuilder(hub.uri(path)).timeout(TIMEOUT).header("Accept", "application/json").GET().build();
        return hub.http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a hub's {@code /health}, or null when it is not one (not JSON, or no integer {@code node_count}). */
    private static JsonNode hubHealth(String body) {
        try {
            JsonNode h = Json.parse(body);
            return h != null && h.path("node_count").isIntegralNumber() ? h : null;
        } catch (Exception e) {
            return null;
        }
    }

    static String uptime(long s) {
        long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
        return (d > 0 ? d + "d " : "") + (d > 0 || h > 0 ? h + "h " : "") + (d > 0 || h > 0 || m > 0 ? m + "m " : "") + sec + "s";
    }
}
