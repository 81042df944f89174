package dev.idleclaw.tracker;

import static dev.idleclaw.tracker.TrackerFixture.PEER_URL;
import static dev.idleclaw.tracker.TrackerFixture.VECTOR_TIME;
import static dev.idleclaw.tracker.TrackerFixture.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.Announcement;
import dev.idleclaw.announce.SignedAnnouncement;
import dev.idleclaw.announce.Unannounce;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.tracker.Verdict.Reason;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The registry's ordering rules and tombstones, without HTTP. */
class TrackerRulesTest {
    private final AtomicLong now = new AtomicLong(VECTOR_TIME);
    private final Identity worker = Identity.generate();

    private Tracker tracker(int max) {
        return new Tracker(UrlSafety.of(UrlSafety.Policy.DEFAULT), now::get, max);
    }

    @Test
    void aWithdrawalSignedAtTheSameMillisecondAsTheAnnouncementRemovesIt() {
        var t = tracker(10);
        t.announce(signed(worker, PEER_URL, VECTOR_TIME));
        assertThat(t.unannounce(Unannounce.sign(worker, VECTOR_TIME))).isEqualTo(new Verdict.Unannounced(true));
        assertThat(t.peers()).isEmpty();
    }

    @Test
    void aWithdrawalOfAnUnknownKeyStillBlocksOlderAnnouncements() {
        var t = tracker(10);
        assertThat(t.unannounce(Unannounce.sign(worker, VECTOR_TIME))).isEqualTo(new Verdict.Unannounced(false));
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME - 1))).isEqualTo(new Verdict.Refused(Reason.STALE));
        assertThat(t.announce(signed(worker, PEER_URL, VECTOR_TIME + 1))).isInstanceOf(Verdict.Announced.class);
    }

    @Test
    void anExpiredAnnouncementStillBlocksOlderOnesWithLongerTtls() {
        var t = tracker(10);
        var shortLived = new Announcement(1, worker.publicKey(), PEER_URL, null, null, null, 60, VECTOR_TIME);
        var olderLongLived = new Announcement(1, worker.publicKey(), PEER_URL, null, null, null, 3000, VECTOR_TIME - 1000);
        t.announce(SignedAnnouncement.sign(shortLived, worker));
        now.addAndGet(61_000);
        assertThat(t.peers()).isEmpty();
        assertThat(t.announce(SignedAnnouncement.sign(olderLongLived, worker))).isEqualTo(new Verdict.Refused(Reason.STALE));
    }

    @Test
    void whenFullTheOldestTombstoneMakesRoomForANewKey() {
        var t = tracker(2);
        var a = Identity.generate();
        t.announce(signed(a, PEER_URL, VECTOR_TIME));
        t.unannounce(Unannounce.sign(a, VECTOR_TIME + 1));
        t.announce(signed(worker, PEER_URL, VECTOR_TIME));
        assertThat(t.announce(signed(Identity.generate(), PEER_URL, VECTOR_TIME))).isInstanceOf(Verdict.Announced.class);
        assertThat(t.held()).isEqualTo(2);
        assertThat(t.announce(signed(Identity.generate(), PEER_URL, VECTOR_TIME))).isEqualTo(new Verdict.Refused(Reason.FULL));
    }

    @Test
    void announcementsAreNotKeptBeyondTheTrackersCapWhateverTheirTtl() {
        var t = tracker(10);
        var a = new Announcement(1, worker.publicKey(), PEER_URL, null, null, null, 86_400, VECTOR_TIME);
        t.announce(SignedAnnouncement.sign(a, worker));
        now.addAndGet(Tracker.MAX_TTL_SECONDS * 1000 + 1);
        assertThat(t.peers()).isEmpty();
    }
}
