package dev.idleclaw.tracker;

import static dev.idleclaw.tracker.TrackerFixture.PEER_URL;
import static dev.idleclaw.tracker.TrackerFixture.VECTOR_TIME;
import static dev.idleclaw.tracker.TrackerFixture.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.Unannounce;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tracker's wire behaviour (lobstah-wire.md §6 plus our refusals), over real HTTP. */
class TrackerHttpTest {
    private static final String REJECTED = "{\"error\":{\"type\":\"rejected\",\"reason\":\"%s\"}}";
    private final Identity worker = Identity.generate();
    private TrackerFixture t;

    @BeforeEach
    void start() {
        t = new TrackerFixture();
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void announcedPeersAreListedUntilTheyUnannounce() throws Exception {
        var signed = signed(worker, PEER_URL, VECTOR_TIME);
        var announced = t.announce(signed);
        assertThat(announced.statusCode()).isEqualTo(200);
        assertThat(announced.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(announced.body()).isEqualTo("{\"ok\":true,\"pubkey\":\"" + worker.publicKey() + "\",\"ttlSeconds\":300,\"registeredCount\":1}");

        var root = t.get("/");
        assertThat(root.body()).isEqualTo("lobstah-tracker (live peers: 1)\n");
        assertThat(root.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(t.get("/peers").body()).isEqualTo("{\"version\":1,\"count\":1,\"peers\":[" + Json.write(signed.toJson()) + "]}");

        var gone = t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME + 1000).toJson()));
        assertThat(gone.statusCode()).isEqualTo(200);
        assertThat(gone.body()).isEqualTo("{\"ok\":true,\"removed\":true}");
        assertThat(t.get("/peers").body()).isEqualTo("{\"version\":1,\"count\":0,\"peers\":[]}");
        assertThat(t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME + 2000).toJson())).body())
                .isEqualTo("{\"ok\":true,\"removed\":false}");
    }

    @Test
    void announcementsFromTheIndependentImplementationAreAccepted() throws Exception {
        JsonNode v;
        try (InputStream in = getClass().getResourceAsStream("/vectors/lobstah-vectors.json")) {
            v = Json.parse(in.readAllBytes());
        }
        var body = Json.object();
        body.set("announcement", v.path("announcement").path("object"));
        body.put("signature", v.path("announcement").path("signature").textValue());
        var r = t.post("/announce", Json.write(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.parse(t.get("/peers").body()).path("peers").path(0)).isEqualTo(body);

        var u = v.path("unannounce");
        t.now.set(u.path("timestamp").longValue());
        var gone = Json.object().put("pubkey", v.path("announcement").path("object").path("pubkey").textValue())
                .put("timestamp", u.path("timestamp").longValue()).put("signature", u.path("signature").textValue());
        assertThat(t.post("/unannounce", Json.write(gone)).body()).isEqualTo("{\"ok\":true,\"removed\":true}");
    }

    @Test
    void staleFutureAndForgedAnnouncementsAreRejectedWithTheirReasons() throws Exception {
        long ttlMillis = Announcement.DEFAULT_TTL_SECONDS * 1000;
        assertRejected(t.announce(signed(worker, PEER_URL, VECTOR_TIME - ttlMillis - 1)), "stale");
        assertRejected(t.announce(signed(worker, PEER_URL, VECTOR_TIME + Announcement.MAX_SKEW_MILLIS + 1)), "future");
        var good = signed(worker, PEER_URL, VECTOR_TIME);
        var forged = new SignedAnnouncement(good.announcement(), signed(worker, PEER_URL, VECTOR_TIME - 1).signature());
        assertRejected(t.announce(forged), "bad-signature");
        var otherKey = new SignedAnnouncement(good.announcement(), signed(Identity.generate(), PEER_URL, VECTOR_TIME).signature());
        assertRejected(t.announce(otherKey), "bad-signature");
        // Just inside both bounds is fine.
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME - ttlMillis)).statusCode()).isEqualTo(200);
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME + Announcement.MAX_SKEW_MILLIS)).statusCode()).isEqualTo(200);
    }

    @Test
    void anOlderAnnouncementNeverReplacesANewerOne() throws Exception {
        var newer = signed(worker, PEER_URL, VECTOR_TIME);
        var older = signed(worker, "http://10.0.0.6:17474", VECTOR_TIME - 10_000);
        assertThat(t.announce(newer).statusCode()).isEqualTo(200);
        assertRejected(t.announce(older), "stale");
        var sameTimeOtherUrl = signed(worker, "http://10.0.0.7:17474", VECTOR_TIME);
        assertRejected(t.announce(sameTimeOtherUrl), "stale");
        // The very same announcement sent again (a retry) is accepted and changes nothing.
        assertThat(t.announce(newer).statusCode()).isEqualTo(200);
        assertThat(t.get("/peers").body()).contains(Json.write(newer.toJson()));
        var heartbeat = signed(worker, "http://10.0.0.8:17474", VECTOR_TIME + 150_000);
        assertThat(t.announce(heartbeat).statusCode()).isEqualTo(200);
        assertThat(t.get("/peers").body()).isEqualTo("{\"version\":1,\"count\":1,\"peers\":[" + Json.write(heartbeat.toJson()) + "]}");
    }

    @Test
    void anUnannounceOlderThanTheAnnouncementRemovesNothing() throws Exception {
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME)).statusCode()).isEqualTo(200);
        var r = t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME - 1).toJson()));
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"removed\":false}");
        assertThat(Json.parse(t.get("/peers").body()).path("count").intValue()).isEqualTo(1);
    }

    @Test
    void aWithdrawnPeerCannotBeReplayedBackIn() throws Exception {
        var announcement = signed(worker, PEER_URL, VECTOR_TIME);
        t.announce(announcement);
        t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME + 1000).toJson()));
        assertRejected(t.announce(announcement), "stale");
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME + 2000)).statusCode()).isEqualTo(200);
    }

    @Test
    void unannounceWithABadSignatureOrOutsideFiveMinutesIsRejected() throws Exception {
        t.announce(signed(worker, PEER_URL, VECTOR_TIME));
        var real = Unannounce.sign(worker, VECTOR_TIME + 1000);
        var forged = new Unannounce(worker.publicKey(), real.timestamp(), Unannounce.sign(Identity.generate(), real.timestamp()).signature());
        assertRejected(t.post("/unannounce", Json.write(forged.toJson())), "bad-signature");
        var tampered = new Unannounce(worker.publicKey(), real.timestamp() + 1, real.signature());
        assertRejected(t.post("/unannounce", Json.write(tampered.toJson())), "bad-signature");
        assertRejected(t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME - 300_001).toJson())), "stale");
        assertRejected(t.post("/unannounce", Json.write(Unannounce.sign(worker, VECTOR_TIME + 300_001).toJson())), "stale");
        assertThat(Json.parse(t.get("/peers").body()).path("count").intValue()).isEqualTo(1);
    }

    @Test
    void staleEntriesAreDroppedOnRead() throws Exception {
        t.announce(signed(worker, PEER_URL, VECTOR_TIME));
        t.now.addAndGet(Announcement.DEFAULT_TTL_SECONDS * 1000 + 1);
        assertThat(t.get("/peers").body()).isEqualTo("{\"version\":1,\"count\":0,\"peers\":[]}");
        assertThat(t.get("/").body()).isEqualTo("lobstah-tracker (live peers: 0)\n");
    }

    @Test
    void loopbackUrlsAreRefusedUnlessTheTrackerRunsLocally() throws Exception {
        var loopback = signed(worker, "http://127.0.0.1:17474", VECTOR_TIME);
        assertRejected(t.announce(loopback), "unsafe-url");
        assertRejected(t.announce(signed(worker, "ftp://10.0.0.5/", VECTOR_TIME)), "unsafe-url");
        try (var local = new TrackerFixture(UrlSafety.Policy.LOCAL, TrackerConfig.DEFAULT_REQUESTS_PER_MINUTE, Tracker.MAX_ENTRIES)) {
            assertThat(local.announce(loopback).statusCode()).isEqualTo(200);
            assertRejected(local.announce(signed(Identity.generate(), "http://169.254.169.254", VECTOR_TIME)), "unsafe-url");
        }
    }

    @Test
    void malformedBodiesAre400BadJsonNever500() throws Exception {
        var valid = Json.write(signed(worker, PEER_URL, VECTOR_TIME).toJson());
        for (String body : List.of("{", "", "null", "[1]", "{\"announcement\":{},\"signature\":\"x\"}",
                valid.replace("\"ttlSeconds\":300", "\"ttlSeconds\":\"300\""), valid.replace("\"version\":1", "\"version\":null"))) {
            var r = t.post("/announce", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).isEqualTo("{\"error\":{\"type\":\"bad_json\"}}");
        }
        for (String body : List.of("{", "{\"pubkey\":\"k\",\"timestamp\":\"now\",\"signature\":\"s\"}")) {
            var r = t.post("/unannounce", body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("{\"error\":{\"type\":\"bad_json\"}}");
        }
        var huge = t.post("/announce", "{\"x\":\"" + "a".repeat(TrackerRoutes.MAX_BODY_BYTES) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void unknownPathsAre404JsonAndTrailingSlashesAreIgnored() throws Exception {
        var r = t.get("/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"error\":{\"type\":\"not_found\",\"path\":\"/nope\"}}");
        assertThat(t.get("/announce").statusCode()).isEqualTo(404);
        assertThat(t.get("/peers/").body()).isEqualTo("{\"version\":1,\"count\":0,\"peers\":[]}");
        assertThat(t.post("/announce/", Json.write(signed(worker, PEER_URL, VECTOR_TIME).toJson())).statusCode()).isEqualTo(200);
    }

    static void assertRejected(java.net.http.HttpResponse<String> r, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(REJECTED.formatted(reason));
    }
}
