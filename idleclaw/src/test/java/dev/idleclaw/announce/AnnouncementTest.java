package dev.idleclaw.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.Canonical;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Announcements and withdrawals against the independent implementation's vectors, plus the time rules. */
class AnnouncementTest {
    private static JsonNode v;
    private static Identity worker;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = AnnouncementTest.class.getResourceAsStream("/vectors/lobstah-vectors.json")) {
            v = Json.parse(in.readAllBytes());
        }
        worker = Identity.fromSeedHex(v.path("worker").path("seedHex").textValue());
    }

    @Test
    void vectorAnnouncementHasTheSameCanonicalBytesAndSignature() throws Exception {
        JsonNode a = v.path("announcement");
        Announcement parsed = Announcement.fromJson(a.path("object"));
        assertThat(Canonical.text(parsed.toJson())).isEqualTo(a.path("canonical").textValue());
        SignedAnnouncement signed = SignedAnnouncement.sign(parsed, worker);
        assertThat(signed.signature()).isEqualTo(a.path("signature").textValue());
        assertThat(new SignedAnnouncement(parsed, a.path("signature").textValue()).signatureValid()).isTrue();
        assertThat(Json.write(parsed.toJson())).isEqualTo(Json.write(a.path("object")));
    }

    @Test
    void vectorUnannounceSignsTheSameMessage() throws Exception {
        JsonNode u = v.path("unannounce");
        long ts = u.path("timestamp").longValue();
        assertThat(new String(Unannounce.message(worker.publicKey(), ts), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(u.path("message").textValue());
        assertThat(Unannounce.sign(worker, ts).signature()).isEqualTo(u.path("signature").textValue());
        var body = Json.object().put("pubkey", worker.publicKey()).put("timestamp", ts).put("signature", u.path("signature").textValue());
        assertThat(Unannounce.fromJson(body).signatureValid()).isTrue();
    }

    @Test
    void absentOptionalFieldsAreOmittedNotNull() {
        var a = new Announcement(1, worker.publicKey(), "http://10.0.0.5:17474", null, null, null, 300, 1000);
        assertThat(Json.write(a.toJson())).isEqualTo(
                "{\"version\":1,\"pubkey\":\"" + worker.publicKey() + "\",\"url\":\"http://10.0.0.5:17474\",\"ttlSeconds\":300,\"announcedAt\":1000}");
        assertThat(a.effectiveTier()).isEqualTo("best-effort");
        assertThat(SignedAnnouncement.sign(a, worker).signatureValid()).isTrue();
    }

    @Test
    void aChangedFieldBreaksTheSignature() {
        var a = new Announcement(1, worker.publicKey(), "http://10.0.0.5:17474", "w", List.of("m"), "batch", 300, 1000);
        var signed = SignedAnnouncement.sign(a, worker);
        var moved = new Announcement(1, worker.publicKey(), "http://10.0.0.6:17474", "w", List.of("m"), "batch", 300, 1000);
        assertThat(new SignedAnnouncement(moved, signed.signature()).signatureValid()).isFalse();
        assertThat(new SignedAnnouncement(a, "zz").signatureValid()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"version\":\"1\",\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":2,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":7,\"url\":\"u\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":300.5,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":0,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":300,\"announcedAt\":\"1\"}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":300,\"announcedAt\":-5}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"label\":null,\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"models\":\"m\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"models\":[1],\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"tier\":\"gold\",\"ttlSeconds\":300,\"announcedAt\":1}",
            "{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"extra\":1,\"ttlSeconds\":300,\"announcedAt\":1}",
            "[]"})
    void wronglyTypedAnnouncementsAreRejected(String json) throws Exception {
        JsonNode n = Json.parse(json);
        assertThatThrownBy(() -> Announcement.fromJson(n)).isInstanceOf(AnnounceFormatException.class);
    }

    @ParameterizedTest(name = "announcedAt {0} ms from now, ttl {1} s -> {2}")
    @CsvSource(textBlock = """
            0,            300, OK
            300000,       300, OK
            300001,       300, FUTURE
            -300000,      300, OK
            -300001,      300, STALE
            -60000,       60,  OK
            -60001,       60,  STALE
            """)
    void statusFollowsTheSkewAndTtlBoundaries(long offset, long ttl, Announcement.Status expected) {
        long now = 1_795_264_697_310L;
        var a = new Announcement(1, "k", "u", null, null, null, ttl, now + offset);
        assertThat(a.status(now)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ttl {0} s -> heartbeat {1} ms")
    @CsvSource({"300, 150000", "301, 150500", "60, 30000", "1, 30000", "61, 30500"})
    void heartbeatIsHalfTheTtlButNeverUnder30Seconds(long ttl, long expected) {
        assertThat(Announcement.heartbeatMillis(ttl)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "timestamp {0} ms from now -> fresh {1}")
    @CsvSource({"0, true", "300000, true", "-300000, true", "300001, false", "-300001, false"})
    void unannounceIsFreshWithinFiveMinutesEitherWay(long offset, boolean fresh) {
        long now = 1_795_264_800_000L;
        assertThat(Unannounce.sign(worker, now + offset).fresh(now)).isEqualTo(fresh);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"pubkey\":\"k\",\"timestamp\":\"1\",\"signature\":\"s\"}", "{\"pubkey\":\"k\",\"signature\":\"s\"}",
            "{\"pubkey\":1,\"timestamp\":1,\"signature\":\"s\"}", "{\"pubkey\":\"k\",\"timestamp\":1.5,\"signature\":\"s\"}", "\"x\""})
    void wronglyTypedUnannouncesAreRejected(String json) throws Exception {
        JsonNode n = Json.parse(json);
        assertThatThrownBy(() -> Unannounce.fromJson(n)).isInstanceOf(AnnounceFormatException.class);
    }

    @org.junit.jupiter.api.Test
    void epochZeroIsAValidTimeAndNegativeTimesAreNot() throws Exception {
        assertThat(Unannounce.fromJson(Json.parse("{\"pubkey\":\"k\",\"timestamp\":0,\"signature\":\"s\"}")).timestamp()).isZero();
        assertThatThrownBy(() -> Unannounce.fromJson(Json.parse("{\"pubkey\":\"k\",\"timestamp\":-1,\"signature\":\"s\"}")))
                .isInstanceOf(AnnounceFormatException.class);
        var a = Announcement.fromJson(Json.parse("{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"label\":\"l\",\"ttlSeconds\":1,\"announcedAt\":0}"));
        assertThat(a).isEqualTo(new Announcement(1, "k", "u", "l", null, null, 1, 0));
        assertThat(a.models()).isNull();
        assertThatThrownBy(() -> Announcement.fromJson(Json.parse("{\"version\":1,\"pubkey\":\"k\",\"url\":\"u\",\"ttlSeconds\":1,\"announcedAt\":-1}")))
                .isInstanceOf(AnnounceFormatException.class);
    }

    @org.junit.jupiter.api.Test
    void aWithdrawalSignedForAnotherTimeOrByAnotherKeyIsInvalid() {
        var u = Unannounce.sign(worker, 1_000);
        assertThat(u.signatureValid()).isTrue();
        assertThat(new Unannounce(u.pubkey(), 1_001, u.signature()).signatureValid()).isFalse();
        assertThat(new Unannounce(dev.idleclaw.identity.Identity.generate().publicKey(), 1_000, u.signature()).signatureValid()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void aTtlTooLargeForMillisecondsSaturates() {
        long max = Long.MAX_VALUE / 1000;
        assertThat(Announcement.millis(max)).isEqualTo(max * 1000);
        assertThat(Announcement.millis(max + 1)).isEqualTo(Long.MAX_VALUE);
    }

    @org.junit.jupiter.api.Test
    void aSignedAnnouncementHasItsAnnouncementsStatus() {
        var a = new Announcement(1, worker.publicKey(), "http://w.example", null, null, null, 60, 1_000_000);
        var signed = SignedAnnouncement.sign(a, worker);
        assertThat(signed.status(1_000_000)).isEqualTo(Announcement.Status.OK);
        assertThat(signed.status(1_000_000 + 60_001)).isEqualTo(Announcement.Status.STALE);
    }
}
