package dev.idleclaw.worker;

import static dev.idleclaw.worker.WorkerFixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.identity.Identity;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Receipts on the Anthropic door: a header on a message, an SSE comment right before {@code message_stop} on a stream. */
@Timeout(60)
class AnthropicReceiptTest {
    private static final String ROUTER = Identity.generate().publicKey();
    private static WorkerFixture w;

    @BeforeAll
    static void start() throws Exception {
        w = new WorkerFixture();
    }

    @AfterAll
    static void stop() {
        if (w != null) w.close();
    }

    private static String ask(boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Test
    void aMessageCarriesItsReceiptInAHeader() throws Exception {
        var r = w.post("/v1/messages", ask(false), Map.of("x-lobstah-requester", ROUTER));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var signed = IndependentCheck.decode(r.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(signed.toString()).contains(ROUTER);
    }

    @Test
    void aStreamCarriesItsReceiptAsACommentRightBeforeMessageStop() throws Exception {
        var r = w.post("/v1/messages", ask(true), Map.of("x-lobstah-requester", ROUTER));
        assertThat(r.statusCode()).isEqualTo(200);
        var m = Pattern.compile("\n\n:lobstah-receipt:([A-Za-z0-9+/=]+)\n\nevent: message_stop\ndata: \\{\"type\":\"message_stop\"}\n\n$").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        assertThat(IndependentCheck.decode(m.group(1)).toString()).contains(ROUTER);
    }
}
