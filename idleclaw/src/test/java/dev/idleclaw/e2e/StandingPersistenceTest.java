package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Standing;
import dev.idleclaw.registry.Suspicion;
import dev.idleclaw.server.Hub;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node key's standing lives in the ledger database (docs/trust.md "Persistence"): a convicted key is still convicted
 * when its hub restarts on the same ledger, and when it reconnects through another hub sharing the same PostgreSQL,
 * even one that remembered it from before as a newcomer.
 */
@Timeout(120)
class StandingPersistenceTest {
    private static final String MODEL = "persist:3b";
    private final StandInOllama ollama = StandInOllama.start().model(StandInModel.of(MODEL));
    private final Identity key = Identity.generate();
    private Network a, b;
    private PostgresSchema pg;

    @AfterEach
    void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
        ollama.close();
        if (pg != null) pg.close();
    }

    @Test
    void aConvictedKeyStaysConvictedAcrossAHubRestartOnTheSameLedger() throws Exception {
        a = new Network();
        a.addNode(ollama, key);
        Standing.View convicted = convict(a.hub);
        int port = a.hub.port();
        a.hub.close();
        a.startHub(port); // same data directory, so the same SQLite ledger; the agent reconnects by itself
        NodeLink back = awaitLink(a.hub);
        Standing.View after = a.hub.scheduler().standing(back);
        assertThat(after.state()).isEqualTo(Standing.State.AUTO_SUSPENDED);
        assertThat(after.convictions()).isEqualTo(1);
        assertThat(after.barredUntil()).isEqualTo(convicted.barredUntil());
        assertThat(a.hub.scheduler().routable(back)).isFalse();
        assertThat(a.hub.ledger().reputationHistory(key.publicKey(), 10)).extracting(c -> c.reason()).contains("test_lie");
    }

    @Test
    void aKeyConvictedOnOneHubIsConvictedWhenItReconnectsThroughAnotherSharingPostgres() throws Exception {
        pg = PostgresSchema.fresh();
        a = new Network(c -> c.ledger = pg.url());
        b = new Network(c -> c.ledger = pg.url());
        // B meets the key first, as a newcomer on probation, and remembers it so.
        NodeAgent first = b.addNode(ollama, key);
        assertThat(b.hub.scheduler().standing(awaitLink(b.hub)).state()).isEqualTo(Standing.State.PROBATION);
        first.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.hub.registry().registered().isEmpty());

        a.addNode(ollama, key);
        Standing.View convicted = convict(a.hub);
        // Written behind the change: B reads it from the database once A's journal has written it.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.hub.ledger().standing(key.publicKey())
                .filter(s -> s.convictions() == 1).isPresent());
        a.nodes.forEach(NodeAgent::stop);

        b.addNode(ollama, key);
        NodeLink onB = awaitLink(b.hub);
        Standing.View there = b.hub.scheduler().standing(onB);
        assertThat(there.state()).isEqualTo(Standing.State.AUTO_SUSPENDED);
        assertThat(there.convictions()).isEqualTo(1);
        assertThat(there.barredUntil()).isEqualTo(convicted.barredUntil());
        assertThat(b.hub.scheduler().routable(onB)).isFalse();
    }

    /** Catches the key's node lying: a suspicion flag, then its reputation falls below the threshold. */
    private Standing.View convict(Hub hub) {
        NodeLink link = awaitLink(hub);
        link.suspicion().raise(Suspicion.Reason.TOO_FAST, "a test says it lied");
        hub.scheduler().adjustReputation(link, -1.0, "test_lie");
        Standing.View v = hub.scheduler().standing(link);
        assertThat(v.convictions()).isEqualTo(1);
        assertThat(v.state()).isEqualTo(Standing.State.AUTO_SUSPENDED);
        return v;
    }

    private NodeLink awaitLink(Hub hub) {
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.registry().registered().stream()
                .anyMatch(l -> key.publicKey().equals(l.pubkey())));
        return hub.registry().registered().stream().filter(l -> key.publicKey().equals(l.pubkey())).findFirst().orElseThrow();
    }
}
