package dev.idleclaw.front.idleclaw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.relay.ChatSink.Failure;
import org.junit.jupiter.api.Test;

class IdleClawSinkMessageTest {

    @Test
    void disconnectMessageCarriesTheWholeFilteredNodeId() {
        // Ids ending like the start of a pattern ("d" of data:text/html, "ja" of javascript:, "<") must not be cut.
        assertThat(IdleClawSink.message(Failure.DISCONNECTED, "5ad3d850-b191-4208-ae10-7f19d9e3b83d"))
                .isEqualTo("Node 5ad3d850-b191-4208-ae10-7f19d9e3b83d disconnected");
        assertThat(IdleClawSink.message(Failure.DISCONNECTED, "node-ja")).isEqualTo("Node node-ja disconnected");
        assertThat(IdleClawSink.message(Failure.DISCONNECTED, "a<")).isEqualTo("Node a< disconnected");
        assertThat(IdleClawSink.message(Failure.DISCONNECTED, "x<script>y<tool_call>z"))
                .isEqualTo("Node x[content filtered]y disconnected");
    }

    @Test
    void otherFailuresUseFixedServerText() {
        assertThat(IdleClawSink.message(Failure.TIMEOUT, "n")).isEqualTo("request timed out");
        assertThat(IdleClawSink.message(Failure.NODE_ERROR, "n")).isEqualTo("the model failed while answering");
        assertThat(IdleClawSink.message(Failure.OVERFLOW, "n")).isEqualTo("response buffer overflow: the client is reading too slowly");
    }
}
