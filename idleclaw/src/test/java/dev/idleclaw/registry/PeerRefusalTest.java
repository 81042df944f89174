package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a peer's 4xx answer becomes the refusal passed on to the consumer, whatever the peer wrote. */
class PeerRefusalTest {
    private static RelayStream.Refused refusal(int status, String body) throws Exception {
        return PeerTransport.refusal(status, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theErrorTextIsTakenFromOpenAiOllamaOrFastApiShapes() throws Exception {
        var openAi = refusal(402, "{\"error\":{\"type\":\"insufficient_credit\",\"message\":\"no credit\",\"availableTokens\":-1}}");
        assertThat(openAi.status()).isEqualTo(402);
        assertThat(openAi.message()).isEqualTo("no credit");
        assertThat(openAi.body().path("error").path("availableTokens").asInt()).isEqualTo(-1);
        assertThat(refusal(400, "{\"error\":\"model is required\"}").message()).isEqualTo("model is required");
        assertThat(refusal(422, "{\"detail\":\"bad\"}").message()).isEqualTo("bad");
    }

    @Test
    void aPlainTextOrNonObjectBodyPassesOnOnlyTheStatus() throws Exception {
        var text = refusal(404, "404 page not found");
        assertThat(text.status()).isEqualTo(404);
        assertThat(text.message()).isNull();
        assertThat(text.body()).isNull();
        assertThat(refusal(400, "[1,2]").body()).isNull();
    }

    @Test
    void aLongMessageIsCutAndAnOversizedBodyIsNotRead() throws Exception {
        var longText = refusal(400, "{\"error\":\"" + "x".repeat(5_000) + "\"}");
        assertThat(longText.message()).hasSize(PeerTransport.MAX_ERROR_TEXT);
        var huge = refusal(400, "{\"error\":\"" + "y".repeat(PeerTransport.MAX_ERROR_BYTES) + "\"}");
        assertThat(huge.message()).as("cut off before its end, so not JSON").isNull();
    }
}
