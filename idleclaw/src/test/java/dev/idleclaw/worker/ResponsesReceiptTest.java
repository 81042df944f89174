package dev.idleclaw.worker;

import static dev.idleclaw.worker.WorkerFixture.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Receipts on the Responses door of a real worker: a header on a response object, an SSE comment before the last event. */
@Timeout(60)
class ResponsesReceiptTest {
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
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"store\":false,\"input\":\"Say hello\"}";
    }

    @Test
    void aResponseObjectCarriesAVerifiableReceiptHeader() throws Exception {
        var r = w.post("/v1/responses", ask(false), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode signed = IndependentCheck.decode(r.headers().firstValue("x-lobstah-receipt").orElseThrow());
        assertThat(IndependentCheck.receiptVerifies(signed)).isTrue();
    }

    @Test
    void aStreamCarriesTheReceiptAsACommentRightBeforeResponseCompleted() throws Exception {
        var r = w.post("/v1/responses", ask(true), Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        var m = Pattern.compile("\n\n:lobstah-receipt:([A-Za-z0-9+/=]+)\n\nevent: response\\.completed\ndata: [^\n]+\n\n$").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        assertThat(IndependentCheck.receiptVerifies(IndependentCheck.decode(m.group(1)))).isTrue();
    }
}
