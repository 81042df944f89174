package dev.idleclaw.tracker;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A real tracker on 127.0.0.1 port 0 with a settable clock, and a JDK HTTP client to talk to it. */
final class TrackerFixture implements AutoCloseable {
    /** The vectors' announcement time: tests start "now" there so the independent signatures are fresh. */
    static final long VECTOR_TIME = 1_795_264_697_310L;
    /** A private address: allowed by the default policy and never resolved through DNS. */
    static final String PEER_URL = "http://10.0.0.5:17474";

    final AtomicLong now = new AtomicLong(VECTOR_TIME);
    final TrackerServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    TrackerFixture() {
        this(UrlSafety.Policy.DEFAULT, TrackerConfig.DEFAULT_REQUESTS_PER_MINUTE, Tracker.MAX_ENTRIES);
    }

    TrackerFixture(UrlSafety.Policy policy, int rpm, int maxEntries) {
        server = TrackerServer.start(TrackerConfig.of("127.0.0.1", 0, policy)
                .withRequestsPerMinute(rpm).withMaxEntries(maxEntries).withClock(now::get));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> announce(SignedAnnouncement signed) throws Exception {
        return post("/announce", Json.write(signed.toJson()));
    }

    /** A signed announcement by {@code who} at {@code announcedAt} with the default TTL. */
    static SignedAnnouncement signed(Identity who, String url, long announcedAt) {
        return SignedAnnouncement.sign(new Announcement(1, who.publicKey(), url, "w", List.of("llama3.2:3b"), "best-effort",
                Announcement.DEFAULT_TTL_SECONDS, announcedAt), who);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
