package dev.idleclaw.server;

import static dev.idleclaw.server.HubTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.StandInNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: IdleClaw's JSON by default, Prometheus text or OpenMetrics by {@code Accept} (design.md). */
class HubMetricsTest {

    static HttpResponse<String> openAi(HubFixture hub, String model) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(hub.url("/v1/chat/completions"))).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
        return hub.http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jsonByDefaultAndPrometheusTextOrOpenMetricsWhenAsked() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b").serving(List.of("Hel", "lo"))) {
            assertThat(openAi(hub, "llama3.2:3b").statusCode()).isEqualTo(200);

            var plain = hub.get("/metrics");
            assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(json(plain).path("nodes_connected").asInt()).isEqualTo(1);
            assertThat(plain.body()).doesNotContain("idleclaw_requests_total");

            var prom = hub.get("/metrics", "Accept", "text/plain");
            assertThat(prom.statusCode()).isEqualTo(200);
            assertThat(prom.headers().firstValue("Content-Type").orElse("").replace(" ", "")).isEqualTo("text/plain;version=0.0.4;charset=utf-8");
            assertThat(prom.body())
                    .contains("idleclaw_requests_total{door=\"openai\",model=\"llama3.2:3b\",outcome=\"done\"} 1.0\n")
                    .contains("idleclaw_time_to_first_token_seconds_bucket{door=\"openai\",le=")
                    .contains("idleclaw_time_to_first_token_seconds_count{door=\"openai\"} 1\n")
                    .contains("idleclaw_tokens_relayed_total{door=\"openai\"} 2.0\n")
                    .contains("idleclaw_queue_wait_seconds_count 1\n")
                    .contains("idleclaw_queue_wait_seconds_bucket{le=")
                    .contains("idleclaw_nodes_connected 1.0\n")
                    .contains("idleclaw_node_link_errors_total 0.0\n")
                    .doesNotContain("# EOF");

            var open = hub.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
            assertThat(open.body()).endsWith("# EOF\n").contains("idleclaw_requests_total{door=\"openai\",model=\"llama3.2:3b\",outcome=\"done\"} 1.0");
        }
    }

    @Test
    void unknownModelNamesNeverBecomeLabelValues() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "llama3.2:3b")) {
            for (int i = 0; i < 100; i++) assertThat(openAi(hub, "made-up-" + i + ":latest").statusCode()).isEqualTo(404);
            hub.chat("{\"model\":\"also-made-up\",\"messages\":[],\"stream\":true}");
            hub.chat("{\"model\":\"made-up-ollama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");
            hub.chat("{\"model\":\"made-up-sse\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            String body = hub.get("/metrics", "Accept", "text/plain").body();
            assertThat(body).doesNotContain("made-up").doesNotContain("nope")
                    .contains("idleclaw_requests_total{door=\"openai\",model=\"unknown\",outcome=\"rejected\"} 100.0\n")
                    .contains("idleclaw_requests_total{door=\"ollama\",model=\"unknown\",outcome=\"rejected\"} 1.0\n")
                    .contains("idleclaw_requests_total{door=\"idleclaw\",model=\"unknown\",outcome=\"rejected\"} 1.0\n");
        }
    }
}
