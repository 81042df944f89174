package dev.idleclaw.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.ledger.Ledgers;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.ReceiptException.Reason;
import dev.idleclaw.receipt.SignedReceipt;
import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.HubStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each acceptance check of a node's receipt, one forged or mistaken receipt at a time. */
class ReceiptDeskTest {
    private final Identity worker = Identity.generate(), requester = Identity.generate();
    private final long now = System.currentTimeMillis();
    private final ChatEnd end = new ChatEnd("stop", new ChatEnd.Metrics(1, 0, 12, 1, 5, 1));

    private Receipt good() {
        return new Receipt(1, "job-1", "00112233445566778899aabbccddeeff", requester.publicKey(), worker.publicKey(),
                "llama3.2:3b", 12, 5, now - 100, now);
    }

    private ReceiptDesk.Expected expected() {
        return new ReceiptDesk.Expected(worker.publicKey(), requester.publicKey(), "job-1", "llama3.2:3b", end, 20, 40, 0);
    }

    private Reason reasonFor(SignedReceipt r, ReceiptDesk.Expected x) {
        try {
            ReceiptDesk.check(r.toJson(), x);
            return null;
        } catch (ReceiptException e) {
            return e.reason();
        }
    }

    private SignedReceipt signed(UnaryOperator<Receipt> change) {
        return SignedReceipt.sign(change.apply(good()), worker);
    }

    @Test
    void acceptsAnHonestReceipt() throws Exception {
        assertThat(ReceiptDesk.check(signed(r -> r).toJson(), expected())).isNotNull();
    }

    @Test
    void refusesEachKindOfBadReceiptWithItsReason() {
        var honest = signed(r -> r);
        var forged = new SignedReceipt(new Receipt(1, "job-1", honest.receipt().nonce(), requester.publicKey(), worker.publicKey(),
                "llama3.2:3b", 12, 500, now - 100, now), honest.signature());
        assertThat(reasonFor(forged, expected())).isEqualTo(Reason.BAD_SIGNATURE);
        var other = Identity.generate();
        var byOther = SignedReceipt.sign(new Receipt(1, "job-1", "aa".repeat(16), requester.publicKey(), other.publicKey(),
                "llama3.2:3b", 12, 5, now - 100, now), other);
        assertThat(reasonFor(byOther, expected())).isEqualTo(Reason.WRONG_WORKER);
        assertThat(reasonFor(signed(r -> r), new ReceiptDesk.Expected(null, requester.publicKey(), "job-1", "llama3.2:3b", end, 20, 40, 0)))
                .isEqualTo(Reason.WRONG_WORKER);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), Receipt.ANONYMOUS, r.workerPubkey(), r.model(), 12, 5, r.startedAt(), r.completedAt())), expected()))
                .isEqualTo(Reason.REQUESTER_MISMATCH);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-2", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 12, 5, r.startedAt(), r.completedAt())), expected()))
                .isEqualTo(Reason.WRONG_REQUEST);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 12, 5, now - 400_000, now - 301_000)), expected()))
                .isEqualTo(Reason.STALE);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 12, 5, now, now + 301_000)), expected()))
                .isEqualTo(Reason.STALE);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 12, 6, r.startedAt(), r.completedAt())), expected()))
                .isEqualTo(Reason.TOKENS);
        var noMetrics = new ReceiptDesk.Expected(worker.publicKey(), requester.publicKey(), "job-1", "llama3.2:3b", new ChatEnd("stop", null), 20, 40, 0);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 12, 5_000, r.startedAt(), r.completedAt())), noMetrics))
                .isEqualTo(Reason.TOKENS);
        assertThatThrownBy(() -> ReceiptDesk.check(dev.idleclaw.json.Json.object().put("receipt", "x"), expected()))
                .isInstanceOf(ReceiptException.class).hasMessage("malformed receipt");
    }

    @Test
    void aShortAnswerCannotBeBilledAsAThousandTokenPrompt() {
        // The red-team's 1,344 credits for a 12-token answer: the old bound allowed a prompt character each plus 1,024.
        var shortChat = new ReceiptDesk.Expected(worker.publicKey(), requester.publicKey(), "job-1", "llama3.2:3b", null, 12, 20, 0);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), 1_332, 12, r.startedAt(), r.completedAt())), shortChat))
                .isEqualTo(Reason.TOKENS);
        long maxIn = 20 + ReceiptDesk.PROMPT_TEMPLATE_TOKENS, maxOut = 12 + ReceiptDesk.OUTPUT_SLACK;
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), maxIn, maxOut, r.startedAt(), r.completedAt())), shortChat))
                .isNull();
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), maxIn + 1, maxOut, r.startedAt(), r.completedAt())), shortChat))
                .isEqualTo(Reason.TOKENS);
        assertThat(reasonFor(signed(r -> new Receipt(1, "job-1", r.nonce(), r.requesterPubkey(), r.workerPubkey(), r.model(), maxIn, maxOut + 1, r.startedAt(), r.completedAt())), shortChat))
                .isEqualTo(Reason.TOKENS);
    }

    @Test
    void aReplayedNonceIsRefusedEvenAfterTheLedgerIsReopened() throws Exception {
        Path db = Files.createTempDirectory("desk").resolve("ledger.db");
        var honest = signed(r -> r);
        try (var ledger = Ledgers.open(db.toString(), 10_000)) {
            var desk = new ReceiptDesk(ledger, new HubMetrics(new NodeRegistry(10, 0), new Scheduler(new NodeRegistry(10, 0), 1), HubStats.load(db.getParent())));
            assertThat(desk.accept(honest.toJson(), expected())).isNotNull();
            assertThat(desk.accept(honest.toJson(), expected())).isNull();
        }
        try (var ledger = Ledgers.open(db.toString(), 10_000)) {
            var desk = new ReceiptDesk(ledger, new HubMetrics(new NodeRegistry(10, 0), new Scheduler(new NodeRegistry(10, 0), 1), HubStats.load(db.getParent())));
            assertThat(desk.accept(honest.toJson(), expected())).isNull();
            assertThat(ledger.totals().receipts()).isEqualTo(1);
        }
    }
}
