package dev.idleclaw.tracker;

import static dev.idleclaw.tracker.TrackerFixture.PEER_URL;
import static dev.idleclaw.tracker.TrackerFixture.VECTOR_TIME;
import static dev.idleclaw.tracker.TrackerFixture.signed;
import static dev.idleclaw.tracker.TrackerHttpTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import org.junit.jupiter.api.Test;

/** The tracker's bounds: requests per address and keys held. */
class TrackerLimitsTest {

    @Test
    void anAddressOverItsBudgetGets429WithRetryAfter() throws Exception {
        try (var t = new TrackerFixture(UrlSafety.Policy.DEFAULT, 3, Tracker.MAX_ENTRIES)) {
            for (int i = 0; i < 3; i++) assertThat(t.get("/peers").statusCode()).isEqualTo(200);
            var limited = t.get("/peers");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).isEqualTo("{\"error\":{\"type\":\"rate_limited\"}}");
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isBetween(1L, 21L));
            assertThat(t.post("/announce", "{}").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void aFullTrackerRefusesNewKeysButKeepsServingKnownOnes() throws Exception {
        try (var t = new TrackerFixture(UrlSafety.Policy.DEFAULT, 1000, 2)) {
            var a = Identity.generate();
            var b = Identity.generate();
            assertThat(t.announce(signed(a, PEER_URL, VECTOR_TIME)).statusCode()).isEqualTo(200);
            assertThat(t.announce(signed(b, PEER_URL, VECTOR_TIME)).statusCode()).isEqualTo(200);
            assertRejected(t.announce(signed(Identity.generate(), PEER_URL, VECTOR_TIME)), "full");
            assertThat(t.announce(signed(a, PEER_URL, VECTOR_TIME + 1000)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFullTrackerMakesRoomByDroppingStaleEntries() throws Exception {
        try (var t = new TrackerFixture(UrlSafety.Policy.DEFAULT, 1000, 2)) {
            var a = Identity.generate();
            t.announce(signed(a, PEER_URL, VECTOR_TIME - Announcement.DEFAULT_TTL_SECONDS * 1000));
            t.announce(signed(Identity.generate(), PEER_URL, VECTOR_TIME));
            t.now.addAndGet(1); // a's announcement is now past its TTL
            var c = Identity.generate();
            var r = t.announce(signed(c, PEER_URL, VECTOR_TIME));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).endsWith("\"registeredCount\":2}");
            assertThat(t.server.tracker().held()).isEqualTo(2);
        }
    }
}
