package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedAdmissionTest {

    @Test
    void embeddingDoorsShareTheChatBudgetSoTheyAreNoWayAroundIt() {
        for (String path : new String[] {"/api/embed", "/api/embeddings", "/v1/embeddings"}) {
            assertThat(RateLimiter.kindOf(path)).as(path).isEqualTo(RateLimiter.Kind.CHAT);
        }
    }

    @Test
    void ollamasEmbeddingDoorsAnswerErrorsInOllamasShape(@TempDir Path dataDir) throws Exception {
        var config = HubConfig.builder(dataDir).apply(c -> {
            c.port = 0;
            c.chatRpm = 1;
        }).build();
        try (var hub = Hub.start(config); var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            post(http, hub, "/api/embed"); // spends the one chat token
            assertThat(post(http, hub, "/api/embed").body()).isEqualTo("{\"error\":\"Too many requests\"}");
            assertThat(post(http, hub, "/api/embeddings").body()).isEqualTo("{\"error\":\"Too many requests\"}");
            assertThat(post(http, hub, "/v1/embeddings").body()).isEqualTo(
                    "{\"error\":{\"message\":\"Too many requests\",\"type\":\"api_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
        }
    }

    private static HttpResponse<String> post(HttpClient http, Hub hub, String path) throws Exception {
        var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
