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
        assertThat(link.isClosed()).isTrue();
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
}
