package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.wire.ModelInfo;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.NodeMessage;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cluster members as the scheduler's backends of last resort (no request is sent: nothing here reaches a member). */
class MemberSchedulingTest {
    private static final String MODEL = "m:1";

    private NodeRegistry registry;
    private Scheduler scheduler;
    private MemberLinks members;
    private final String memberKey = Identity.generate().publicKey();

    @BeforeEach
    void hubWithOneLocalSlotAndOneMember() throws Exception {
        registry = new NodeRegistry(10, 0);
        scheduler = new Scheduler(registry, 16);
        var local = new NodeLink((Session) null, "10.0.0.1");
        registry.register(local, new NodeMessage.Register("n1", List.of(ModelInfo.of(MODEL, 0)), 1, "0.12.6", null, List.of(),
                NodeLimits.AGENT));
        members = new MemberLinks(Identity.generate(), null);
        scheduler.members(members);
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of(MODEL, 0)), 2)));
    }

    @Test
    void aMemberGetsARequestOnlyWhenNoNodeOfThisHubIsFree() throws Exception {
        Lease first = scheduler.acquire(MODEL, Set.of(), 0);
        assertThat(first.link().backend().clusterMember()).isFalse();
        Lease second = scheduler.acquire(MODEL, Set.of(), 0);
        assertThat(second.link().pubkey()).isEqualTo(memberKey);
        first.release(false);
        Lease third = scheduler.acquire(MODEL, Set.of(), 0);
        assertThat(third.link().backend().clusterMember()).as("the freed local slot comes first again").isFalse();
    }

    @Test
    void aFailedMemberLosesNoReputationHere() throws Exception {
        Lease local = scheduler.acquire(MODEL, Set.of(), 0);
        Lease member = scheduler.acquire(MODEL, Set.of(), 0);
        NodeLink link = member.link();
        member.release(true);
        scheduler.adjustReputation(link, -0.4);
        assertThat(scheduler.reputation(link)).isEqualTo(Scheduler.INITIAL_REPUTATION);
        local.release(true);
        assertThat(scheduler.reputation(local.link())).isLessThan(Scheduler.INITIAL_REPUTATION);
    }

    @Test
    void aModelOnlyAMemberServesIsServedUntilTheMemberLeavesTheDirectory() throws Exception {
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of("only:2", 0)), 1)));
        NodeLink link = scheduler.acquire("only:2", Set.of(), 0).link();
        assertThat(link.pubkey()).isEqualTo(memberKey);
        assertThat(registry.registered()).as("members are not this hub's nodes").hasSize(1);

        members.update(List.of());
        assertThatThrownBy(() -> scheduler.acquire("only:2", Set.of(), 0))
                .isInstanceOfSatisfying(Scheduler.NoNode.class, e -> assertThat(e.refusal).isEqualTo(Scheduler.Refusal.NO_MODEL));
    }

    @Test
    void aMembersSlotsFollowItsAdvertisedFreeSlotsWithinTheCap() {
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of(MODEL, 0)), 1000)));
        assertThat(members.links().getFirst().registration().maxConcurrent()).as("a fleet's slots").isEqualTo(1000);
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of(MODEL, 0)), 1_000_000)));
        assertThat(members.links().getFirst().registration().maxConcurrent()).isEqualTo(MemberLinks.MAX_MEMBER_CONCURRENCY);
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of(MODEL, 0)), 0)));
        assertThat(members.links().getFirst().registration().maxConcurrent()).as("a busy member is queued on, not dropped").isEqualTo(1);
    }

    @Test
    void aMemberGoneFromTheDirectoryIsNotChosenAndItsLinkClosesWithItsLastRequest() throws Exception {
        Lease local = scheduler.acquire(MODEL, Set.of(), 0);
        Lease onMember = scheduler.acquire(MODEL, Set.of(), 0);
        NodeLink link = onMember.link();
        assertThat(link.pubkey()).isEqualTo(memberKey);

        members.update(List.of());
        assertThat(link.isClosed()).as("its request in flight runs on").isFalse();
        assertThat(members.retiring()).containsExactly(link);
        assertThatThrownBy(() -> scheduler.acquire(MODEL, Set.of(), 0)).as("the retiring member is not chosen")
                .isInstanceOfSatisfying(Scheduler.NoNode.class, e -> assertThat(e.refusal).isEqualTo(Scheduler.Refusal.BUSY));

        onMember.release(false);
        assertThat(link.isClosed()).as("closed with its last request").isTrue();
        assertThat(members.retiring()).isEmpty();
        local.release(false);
    }

    @Test
    void aMemberBackWhileItsLinkRetiresGetsThatLinkBackOnce() throws Exception {
        var offer = new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.2:8000"), List.of(ModelInfo.of(MODEL, 0)), 2);
        scheduler.acquire(MODEL, Set.of(), 0);
        Lease onMember = scheduler.acquire(MODEL, Set.of(), 0);
        members.update(List.of());
        members.update(List.of(offer));
        assertThat(members.links()).containsExactly(onMember.link());
        assertThat(members.retiring()).isEmpty();
        onMember.release(false);
        assertThat(onMember.link().isClosed()).as("a link back in service stays open").isFalse();
        assertThat(scheduler.acquire(MODEL, Set.of(), 0).link()).isSameAs(onMember.link());
    }

    @Test
    void aMemberAtANewAddressGetsANewLinkWhileTheOldOneFinishesItsRequests() throws Exception {
        scheduler.acquire(MODEL, Set.of(), 0);
        Lease onOld = scheduler.acquire(MODEL, Set.of(), 0);
        members.update(List.of(new MemberLinks.Offer(memberKey, URI.create("http://10.0.0.3:8000"), List.of(ModelInfo.of(MODEL, 0)), 2)));
        assertThat(members.links()).hasSize(1).doesNotContain(onOld.link());
        assertThat(members.retiring()).containsExactly(onOld.link());
        assertThat(scheduler.acquire(MODEL, Set.of(), 0).link()).as("one backend per member: the new one").isSameAs(members.links().getFirst());
        onOld.release(false);
        assertThat(onOld.link().isClosed()).isTrue();
        assertThat(members.links().getFirst().isClosed()).isFalse();
    }

    @Test
    void anIdleMemberGoneFromTheDirectoryIsClosedAtOnce() {
        NodeLink link = members.links().getFirst();
        members.update(List.of());
        assertThat(link.isClosed()).isTrue();
        assertThat(members.retiring()).isEmpty();
    }
}
