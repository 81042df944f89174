package dev.idleclaw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.bench.fleet.Fleet;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadRun;
import dev.idleclaw.bench.load.LoadSummary;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet with {@code auth}, all in this JVM: a 2-node × 2-slot authenticated fleet behind an in-process hub.
 * Every node proves its key at registration, and every answered request leaves exactly one accepted receipt in the
 * hub's ledger (none rejected), whichever door the consumer used.
 */
class AuthenticatedFleetTest {
    static final String MODEL = "llama3.2";
    static final int NODES = 2, SLOTS = 2, TOKENS = 5, REQUESTS = 12, CONSUMERS = 3;

    @TempDir
    static Path data;
    static Hub hub;
    static Fleet fleet;

    @BeforeAll
    static void start() throws Exception {
        hub = Hub.start(HubConfig.builder(data).apply(c -> {
            c.port = 0;
            c.chatRpm = c.wsRpm = c.defaultRpm = 1_000_000;
            c.maxNodesPerIp = c.maxChatsPerIp = 1_000;
            c.maxConnectionsPerIp = 100_000;
            c.canaryRate = 0;
        }).build());
        fleet = new Fleet(new Fleet.Options(URI.create("ws://127.0.0.1:" + hub.port() + "/ws/node"), NODES, SLOTS, TOKENS, 1, MODEL, 15, 0, true));
        fleet.connectAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (hub.registry().registered().size() < NODES && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(hub.registry().registered()).hasSize(NODES);
    }

    @AfterAll
    static void stop() {
        if (fleet != null) fleet.close();
        if (hub != null) hub.close();
    }

    @Test
    void everyAnsweredRequestLeavesOneAcceptedReceiptInTheLedger() throws Exception {
        for (Door door : new Door[] {Door.OLLAMA, Door.OPENAI, Door.IDLECLAW}) {
            long before = hub.ledger().totals().receipts();
            var s = new LoadRun(new LoadRun.Options(URI.create("http://127.0.0.1:" + hub.port()), door, CONSUMERS, REQUESTS, 0, MODEL,
                    CONSUMERS, "Say something.", false, 0)).run(() -> { });
            assertThat(s.failures()).isZero();
            assertThat(s.answered()).as("probe + warm-up + measured + tail").isGreaterThanOrEqualTo(1 + CONSUMERS + REQUESTS);
            assertThat(ledgerGrowth(before, s)).as(door.label()).isEqualTo(s.answered());
        }
        String metrics = hub.metrics().scrape("text/plain");
        assertThat(metrics).contains("idleclaw_receipts_total{outcome=\"accepted\"");
        assertThat(metrics.lines().filter(l -> l.startsWith("idleclaw_receipts_total") && !l.contains("\"accepted\""))).as("rejections").isEmpty();
        assertThat(fleet.status().receipts()).isEqualTo(hub.ledger().totals().receipts());
    }

    /** Receipts the ledger gained since {@code before}, once it holds one per answer (or 5 s passed). */
    private static long ledgerGrowth(long before, LoadSummary s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (hub.ledger().totals().receipts() - before < s.answered() && System.nanoTime() < deadline) Thread.sleep(10);
        return hub.ledger().totals().receipts() - before;
    }
}
