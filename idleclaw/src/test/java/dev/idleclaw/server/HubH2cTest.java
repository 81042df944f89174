package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.StandInNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JDK clients offer an h2c upgrade on cleartext requests; the hub must answer plain HTTP/1.1 regardless. */
class HubH2cTest {

    @Test
    void answersGetsAndStreamingPostsFromClientsThatOfferH2c() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("a", "b"))) {
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            var health = http.send(HttpRequest.newBuilder(URI.create(hub.url("/health")))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            var chat = http.send(HttpRequest.newBuilder(URI.create(hub.url("/api/chat")))
                    .POST(HttpRequest.BodyPublishers.ofString(HubFixture.ask("m:1", "hi"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(200);
            assertThat(Sse.parse(chat.body()).content()).isEqualTo("ab");
        }
    }
}
