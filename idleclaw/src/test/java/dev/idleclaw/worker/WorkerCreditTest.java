package dev.idleclaw.worker;

import static dev.idleclaw.worker.WorkerFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.identity.Identity;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's credit gate (lobstah-wire.md §7 step 2, §12 #1, #3) with a one-token bootstrap allowance. */
@Timeout(60)
class WorkerCreditTest {

    @Test
    void aVerifiedRequesterWithoutCreditGets402BeforeAnyNodeIsUsed() throws Exception {
        try (var w = new WorkerFixture(c -> c.withBootstrapAllowance(1))) {
            Identity consumer = Identity.generate();
            var first = w.signedPost("/v1/chat/completions", chat(false), consumer);
            assertThat(first.statusCode()).as("1 token of credit is > 0").isEqualTo(200);
            long available = w.worker.hub().ledger().account(consumer.publicKey()).available();
            assertThat(available).isNotPositive();

            int chatsSoFar = (int) w.ollama.requests().stream().filter(q -> q.path().equals("/api/chat")).count();
            var refused = w.signedPost("/v1/chat/completions", chat(true), consumer);
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(refused.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
            assertThat(refused.body()).isEqualTo("{\"error\":{\"type\":\"insufficient_credit\",\"message\":\"requester has " + available
                    + " tokens of available credit (>0 required)\",\"availableTokens\":" + available + ",\"requesterPubkey\":\""
                    + consumer.publicKey() + "\"}}");
            assertThat(w.ollama.requests().stream().filter(q -> q.path().equals("/api/chat")).count()).isEqualTo(chatsSoFar);

            // A bare header naming the same key is not verified: no gate, no debit (anonymous-like service).
            var named = w.post("/v1/chat/completions", chat(false), Map.of("x-lobstah-requester", consumer.publicKey()));
            assertThat(named.statusCode()).isEqualTo(200);
            assertThat(w.worker.hub().ledger().account(consumer.publicKey()).available()).isEqualTo(available);
        }
    }
}
