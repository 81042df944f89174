package dev.idleclaw.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The announcer against a stand-in tracker on 127.0.0.1 that records what it is sent and answers as told. */
class AnnouncerTest {
    private static final Identity WORKER = Identity.generate();
    private static final String URL = "http://127.0.0.1:17474";

    private HttpServer tracker;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> answer = new AtomicReference<>("{}");

    @BeforeEach
    void startTracker() throws IOException {
        tracker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tracker.createContext("/", ex -> {
            paths.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(Json.parse(ex.getRequestBody().readAllBytes()));
            byte[] out = answer.get().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), out.length == 0 ? -1 : out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        tracker.start();
    }

    @AfterEach
    void stopTracker() {
        tracker.stop(0);
    }

    private URI trackerUri(String suffix) {
        return URI.create("http://127.0.0.1:" + tracker.getAddress().getPort() + suffix);
    }

    private Announcer.Settings settings(String label, String tier, Duration heartbeat) {
        return new Announcer.Settings(trackerUri("//"), URL, label, tier, 120, heartbeat);
    }

    @Test
    void anAnnouncementCarriesOnlyTheFieldsWeSendSignedByTheWorker() throws Exception {
        try (var a = new Announcer(settings("gpu box", "batch", Duration.ofHours(1)), WORKER, () -> List.of("m1", "m2"), () -> 1_000)) {
            assertThat(a.announce()).isEqualTo(new Announcer.Outcome(true, 200, null));
            assertThat(paths).containsExactly("POST /announce application/json");
            var signed = SignedAnnouncement.fromJson(bodies.getFirst());
            assertThat(signed.signatureValid()).isTrue();
            assertThat(signed.announcement()).isEqualTo(new Announcement(1, WORKER.publicKey(), URL, "gpu box",
                    List.of("m1", "m2"), "batch", 120, 1_000));
        }
    }

    @Test
    void noModelsAndABlankLabelAreOmitted() throws Exception {
        var s = new Announcer.Settings(trackerUri(""), URL, "  ", null, 120, null);
        assertThat(s.label()).isNull();
        assertThat(s.heartbeat()).isEqualTo(Duration.ofMillis(60_000));
        try (var a = new Announcer(s, WORKER, List::of, () -> 5)) {
            a.announce();
            assertThat(bodies.getFirst().get("announcement").has("models")).isFalse();
            assertThat(bodies.getFirst().get("announcement").has("label")).isFalse();
            assertThat(bodies.getFirst().get("announcement").has("tier")).isFalse();
        }
        try (var a = new Announcer(s, WORKER, () -> null, () -> 5)) {
            a.announce();
            assertThat(bodies.getLast().get("announcement").has("models")).isFalse();
        }
    }

    @Test
    void announcedAtOnlyEverIncreasesAndTheWithdrawalIsNotOlder() throws Exception {
        var clock = new AtomicLong(5_000);
        var a = new Announcer(settings(null, null, Duration.ofHours(1)), WORKER, () -> List.of("m"), clock::get);
        a.announce();
        a.announce();
        clock.set(4_000);
        a.announce();
        assertThat(bodies).extracting(b -> b.get("announcement").get("announcedAt").longValue()).containsExactly(5_000L, 5_001L, 5_002L);
        assertThat(a.stop()).isEqualTo(new Announcer.Outcome(true, 200, null));
        assertThat(paths.getLast()).isEqualTo("POST /unannounce application/json");
        var withdrawal = Unannounce.fromJson(bodies.getLast());
        assertThat(withdrawal.pubkey()).isEqualTo(WORKER.publicKey());
        assertThat(withdrawal.timestamp()).isEqualTo(5_002L);
        assertThat(withdrawal.signatureValid()).isTrue();
    }

    @Test
    void theWithdrawalUsesTheClockWhenItIsLater() throws Exception {
        var clock = new AtomicLong(5_000);
        var a = new Announcer(settings(null, null, Duration.ofHours(1)), WORKER, () -> List.of("m"), clock::get);
        a.announce();
        clock.set(9_000);
        a.stop();
        assertThat(Unannounce.fromJson(bodies.getLast()).timestamp()).isEqualTo(9_000L);
    }

    @Test
    void theHeartbeatReannouncesUntilStoppedAndStopSendsOnce() {
        var a = new Announcer(settings(null, null, Duration.ofMillis(50)), WORKER, () -> List.of("m"));
        a.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> paths.size() >= 3);
        a.stop();
        int sent = paths.size();
        assertThat(paths.getLast()).startsWith("POST /unannounce");
        assertThat(a.stop()).isEqualTo(new Announcer.Outcome(false, 0, "already stopped"));
        assertThat(a.announce()).isEqualTo(new Announcer.Outcome(false, 0, "stopped"));
        assertThat(paths).hasSize(sent);
    }

    @Test
    void abandoningSendsNoWithdrawal() {
        var a = new Announcer(settings(null, null, Duration.ofHours(1)), WORKER, () -> List.of("m"));
        a.announce();
        a.abandon();
        a.abandon();
        assertThat(a.stop()).isEqualTo(new Announcer.Outcome(false, 0, "already stopped"));
        assertThat(paths).containsExactly("POST /announce application/json");
    }

    @Test
    void aRefusalCarriesTheTrackersReason() {
        status.set(400);
        answer.set("{\"error\":{\"type\":\"rejected\",\"reason\":\"stale\"}}");
        try (var a = new Announcer(settings(null, null, Duration.ofHours(1)), WORKER, () -> List.of("m"))) {
            assertThat(a.announce()).isEqualTo(new Announcer.Outcome(false, 400, "rejected: stale"));
        }
    }

    @Test
    void anUnreachableTrackerIsAnOutcomeNotAnException() throws Exception {
        tracker.stop(0);
        try (var a = new Announcer(settings(null, null, Duration.ofHours(1)), WORKER, () -> List.of("m"))) {
            var o = a.announce();
            assertThat(o.accepted()).isFalse();
            assertThat(o.status()).isZero();
            assertThat(o.reason()).startsWith("ConnectException");
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            400 | {"error":{"type":"bad_json"}}                   | bad_json
            400 | {"error":{"type":"rejected","reason":""}}       | rejected
            502 | <html>bad gateway</html>                        | HTTP 502 <html>bad gateway</html>
            500 | NULL                                            | HTTP 500
            503 | {"detail":"later"}                              | HTTP 503 {"detail":"later"}
            """)
    void reasonsNameTheTrackersErrorOrTheStatusAndBody(int status, String body, String reason) {
        assertThat(Announcer.reason(status, body)).isEqualTo(reason);
    }

    @Test
    void aLongBodyIsCutTo120Characters() {
        assertThat(Announcer.reason(500, "  " + "x".repeat(200) + "  ")).isEqualTo("HTTP 500 " + "x".repeat(120));
    }

    @Test
    void theEndpointIsAppendedWhateverTheTrackerEndsWith() {
        assertThat(settings(null, null, null).endpoint("announce")).isEqualTo(trackerUri("/announce"));
        assertThat(new Announcer.Settings(trackerUri(""), URL, null, null, 1, null).endpoint("unannounce"))
                .isEqualTo(trackerUri("/unannounce"));
    }

    @ParameterizedTest(name = "{0} {1} ttl {2} tier {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            ftp://t.example         | http://w.example  | 60 | NULL        | --announce-to must be an http(s) URL
            t.example               | http://w.example  | 60 | NULL        | --announce-to must be an http(s) URL
            http:///x               | http://w.example  | 60 | NULL        | --announce-to must be an http(s) URL
            http://t.example        | w.example         | 60 | NULL        | --announce-url must be an http(s) URL
            http://t.example        | ftp://w.example   | 60 | NULL        | --announce-url must be an http(s) URL
            http://t.example        | http:///x         | 60 | NULL        | --announce-url must be an http(s) URL
            http://t.example        | http://w x        | 60 | NULL        | --announce-url is not a URL
            http://t.example        | http://w.example  | 0  | NULL        | --announce-ttl must be positive
            http://t.example        | http://w.example  | 60 | fast        | --tier must be interactive, batch or best-effort
            """)
    void badSettingsAreRefusedWithTheOptionName(String tracker, String url, long ttl, String tier, String message) {
        assertThatThrownBy(() -> new Announcer.Settings(URI.create(tracker), url, null, tier, ttl, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void httpsAndEveryTierAreAccepted() {
        for (String tier : Announcement.TIERS) {
            var s = new Announcer.Settings(URI.create("https://t.example"), "https://w.example", "x", tier, 1, null);
            assertThat(s.tier()).isEqualTo(tier);
            assertThat(s.heartbeat()).isEqualTo(Duration.ofMillis(Announcement.MIN_HEARTBEAT_MILLIS));
        }
    }

    @Test
    void aHeartbeatMustBePositive() {
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
            assertThatThrownBy(() -> new Announcer.Settings(URI.create("http://t.example"), URL, null, null, 60, d))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("heartbeat must be positive");
        }
        assertThatThrownBy(() -> new Announcer.Settings(null, URL, null, null, 60, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--announce-url needs --announce-to or --announce-nostr");
        assertThatThrownBy(() -> new Announcer.Settings(URI.create("http://t.example"), null, null, null, 60, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void relaysAloneAreEnoughAndMustBeWebSockets() {
        var relay = URI.create("ws://127.0.0.1:7777");
        var s = new Announcer.Settings(null, URL, null, null, 60, null, List.of(relay));
        assertThat(s.tracker()).isNull();
        assertThat(s.nostr()).containsExactly(relay);
        assertThat(new Announcer.Settings(trackerUri(""), URL, null, null, 60, null).withNostr(List.of(relay)).nostr()).containsExactly(relay);
        assertThatThrownBy(() -> new Announcer.Settings(null, URL, null, null, 60, null, List.of(URI.create("http://relay"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws(s)://");
        assertThatThrownBy(() -> new Announcer(s, WORKER, null, () -> List.of("m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nostr key");
    }

    @Test
    void aRelayThatIsDownDoesNotStopTheTrackerAnnouncement() {
        // Nothing listens on a port just closed: the relay fails fast; the tracker still gets the announcement.
        int dead;
        try (var socket = new java.net.ServerSocket(0)) {
            dead = socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var s = new Announcer.Settings(trackerUri(""), URL, null, null, 60, Duration.ofHours(1), List.of(URI.create("ws://127.0.0.1:" + dead)));
        var a = new Announcer(s, WORKER, dev.idleclaw.identity.NostrKey.generate(), () -> List.of("m"));
        assertThat(a.announce()).isEqualTo(new Announcer.Outcome(true, 200, null));
        assertThat(paths).containsExactly("POST /announce application/json");
        assertThat(a.stop()).isEqualTo(new Announcer.Outcome(true, 200, null));
    }
}
