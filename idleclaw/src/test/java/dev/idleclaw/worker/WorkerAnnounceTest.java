package dev.idleclaw.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.Announcer;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.json.Json;
import dev.idleclaw.tracker.TrackerConfig;
import dev.idleclaw.tracker.TrackerServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --announce-to}: a real tracker (local mode, so a loopback worker URL is allowed) lists, renews and drops it. */
@Timeout(60)
class WorkerAnnounceTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode peers(TrackerServer tracker) throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tracker.port() + "/peers")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.parse(r.body());
    }

    @Test
    void announcesWithHeartbeatsAndUnannouncesOnStop() throws Exception {
        try (var tracker = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.LOCAL))) {
            String workerUrl = "http://127.0.0.1:17474";
            var settings = new Announcer.Settings(URI.create("http://127.0.0.1:" + tracker.port() + "/"), workerUrl,
                    Announcer.DEFAULT_LABEL, "batch", 300, Duration.ofMillis(300));
            var w = new WorkerFixture(c -> c.withTier("batch").withAnnounce(settings));
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> peers(tracker).path("count").asInt() == 1);
                JsonNode entry = peers(tracker).path("peers").path(0);
                SignedAnnouncement signed = SignedAnnouncement.fromJson(entry);
                assertThat(signed.signatureValid()).isTrue();
                var a = signed.announcement();
                assertThat(a.pubkey()).isEqualTo(w.worker.publicKey());
                assertThat(a.url()).isEqualTo(workerUrl);
                assertThat(a.label()).isEqualTo("idleclaw-worker");
                assertThat(a.tier()).isEqualTo("batch");
                assertThat(a.ttlSeconds()).isEqualTo(300);
                assertThat(a.models()).containsExactly(WorkerFixture.MODEL);
                assertThat(Json.parse(w.get("/capacity").body()).path("tier").asText()).isEqualTo("batch");

                long first = a.announcedAt();
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        peers(tracker).path("peers").path(0).path("announcement").path("announcedAt").asLong() > first);
            } finally {
                w.close();
            }
            assertThat(peers(tracker).path("count").asInt()).as("the signed unannounce removed it").isZero();
            assertThat(tracker.tracker().liveCount()).isZero();
        }
    }

    @Test
    void aRefusalIsReportedWithTheTrackersReason() throws Exception {
        // The default policy refuses loopback URLs: the announcer logs "rejected: unsafe-url" and keeps running.
        try (var tracker = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, UrlSafety.Policy.DEFAULT));
             var w = new WorkerFixture()) {
            var settings = new Announcer.Settings(URI.create("http://127.0.0.1:" + tracker.port()), "http://127.0.0.1:1",
                    null, null, 300, null);
            var announcer = new Announcer(settings, dev.idleclaw.identity.IdentityFile.read(w.worker.config().identityPath()).orElseThrow(),
                    () -> Worker.models(w.worker.hub()));
            var outcome = announcer.announce();
            assertThat(outcome.accepted()).isFalse();
            assertThat(outcome.status()).isEqualTo(400);
            assertThat(outcome.reason()).isEqualTo("rejected: unsafe-url");
            announcer.stop();
            assertThat(peers(tracker).path("count").asInt()).isZero();
        }
    }
}
