package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.LedgerException;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.ledger.OutageBuffer;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL going away under a running hub (docs/operations.md "When PostgreSQL goes away"), cut for real: the
 * ledger talks to the local server through a TCP relay the test cuts and restores. Anonymous chats go on and their
 * receipts wait in memory, requests with credentials get a quick 503, and once the database is back what waited is
 * written in order and exactly once; the log says so in one WARN and one INFO line.
 */
@Timeout(120)
class LedgerOutageTest {
    private static final String MODEL = "outage:3b";
    /** Well under the pool's 5 s connection timeout: a refusal while the outage is known must not wait for it. */
    private static final Duration QUICK = Duration.ofSeconds(2);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private CutPostgres pg;
    private LogCapture logged;
    private Network net;
    private StandInOllama ollama;

    @BeforeEach
    void start() throws Exception {
        pg = CutPostgres.fresh();
        logged = LogCapture.of(OutageBuffer.class);
    }

    @AfterEach
    void stop() throws Exception {
        logged.close();
        if (net != null) net.close();
        if (ollama != null) ollama.close();
        pg.close();
    }

    @Test
    void chatsFlowWhileTheDatabaseIsAwayAndTheirReceiptsAreWrittenOnceWhenItReturns() throws Exception {
        net = new Network(c -> {
            c.ledger = pg.url();
            c.canaryRate = 0; // no hidden checks: the only receipts are the test's chats
        });
        ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        net.addNode(ollama, Identity.generate());
        String apiKey = ApiKeys.generate();
        net.hub.ledger().addApiKey(ApiKeys.sha256(apiKey), Identity.generate().publicKey(), "outage test");
        assertThat(chat(null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> receipts() == 1);

        pg.cut();
        for (int i = 0; i < 3; i++) assertThat(chat(null).statusCode()).isEqualTo(200);
        var buffer = (OutageBuffer) net.hub.ledger();
        await().atMost(Duration.ofSeconds(15)).until(() -> buffer.queued() == 3);
        assertThat(buffer.down()).isTrue();

        long began = System.nanoTime();
        HttpResponse<String> refused = chat(apiKey);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(QUICK);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("5");
        assertThat(refused.body()).contains("ledger database is unreachable");

        pg.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> buffer.queued() == 0 && !buffer.down());
        assertThat(receipts()).isEqualTo(4);
        assertThat(distinctNonces()).isEqualTo(4);
        assertThat(net.hub.ledger().totals().receipts()).isEqualTo(4);
        assertThat(chat(apiKey).statusCode()).isEqualTo(200);

        assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1);
        assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("reachable again")).hasSize(1);
    }

    @Test
    void whatWaitedIsWrittenInOrderAndAReceiptAlreadyRecordedIsNotCountedTwice() throws Exception {
        Identity worker = Identity.generate();
        String requester = Identity.generate().publicKey();
        try (Ledger ledger = Ledgers.open(pg.url(), 1_000)) {
            SignedReceipt first = receipt(worker, requester, 10), second = receipt(worker, requester, 20);
            assertThat(ledger.append(first)).isEqualTo(Ledger.Append.ACCEPTED);

            pg.cut();
            assertThat(ledger.append(second, true, true)).isEqualTo(Ledger.Append.QUEUED); // held: on probation
            assertThat(ledger.append(first)).isEqualTo(Ledger.Append.QUEUED); // a replay nobody can check now
            assertThat(ledger.release(worker.publicKey())).isZero(); // after the held receipt, in order
            long began = System.nanoTime();
            assertThatThrownBy(() -> ledger.account(requester)).isInstanceOfSatisfying(LedgerException.class,
                    e -> assertThat(e.unavailable()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(QUICK);

            pg.restore();
            var buffer = (OutageBuffer) ledger;
            await().atMost(Duration.ofSeconds(30)).until(() -> buffer.queued() == 0 && !buffer.down());
            assertThat(ledger.totals().receipts()).isEqualTo(2);
            var account = ledger.account(worker.publicKey());
            assertThat(account.earned()).isEqualTo(first.receipt().tokens() + second.receipt().tokens());
            assertThat(account.held()).isZero(); // the release ran after the held receipt was written
            assertThat(ledger.account(requester).spent()).isEqualTo(first.receipt().tokens() + second.receipt().tokens());
        }
    }

    @Test
    void aChatWhoseReceiptFindsTheBufferFullIsAnsweredInFullAndOnlyItsReceiptIsLostAndCounted() throws Exception {
        net = new Network(c -> {
            c.ledger = pg.url();
            c.canaryRate = 0;
        });
        ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        net.addNode(ollama, Identity.generate());
        var buffer = (OutageBuffer) net.hub.ledger();
        pg.cut();
        // The production bound, filled with one receipt (a replay, as far as the database will tell).
        SignedReceipt filler = receipt(Identity.generate(), Identity.generate().publicKey(), 10);
        for (int i = 0; i < OutageBuffer.MAX_QUEUED; i++) buffer.append(filler, false, false);
        assertThat(buffer.queued()).isEqualTo(OutageBuffer.MAX_QUEUED);

        HttpResponse<String> answer = chat(null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(dev.idleclaw.json.Json.parse(answer.body()).path("message").path("content").asText()).isEqualTo("Hello from the stand-in.");
        assertThat(answer.headers().firstValue(dev.idleclaw.front.Headers.RECEIPT)).isEmpty();
        assertThat(net.hub.metrics().scrape(null)).contains("idleclaw_receipts_total{outcome=\"ledger_error\"} 1");
        assertThat(buffer.queued()).isEqualTo(OutageBuffer.MAX_QUEUED);
        assertThat(logged.list()).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("newer ones are not recorded"))
                .hasSize(1);
        // (Writing what waited once the database is back: OutageBufferOverflowTest, with a bound of 2.)
    }

    private static SignedReceipt receipt(Identity worker, String requester, long outputTokens) {
        long now = System.currentTimeMillis();
        return SignedReceipt.sign(new Receipt(Receipt.VERSION, "job-" + Nonces.next(), Nonces.next(), requester,
                worker.publicKey(), MODEL, 5, outputTokens, now - 100, now), worker);
    }

    private HttpResponse<String> chat(String apiKey) throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        var req = HttpRequest.newBuilder(URI.create(net.url() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) req.header("Authorization", "Bearer " + apiKey);
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long receipts() throws Exception {
        return count("SELECT count(*) FROM receipts");
    }

    private long distinctNonces() throws Exception {
        return count("SELECT count(DISTINCT worker_pubkey || nonce) FROM receipts");
    }

    private long count(String sql) throws Exception {
        try (var c = DriverManager.getConnection(pg.directUrl()); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
