package dev.idleclaw.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolCallTextTest {

    @Test
    void aBlockSplitAcrossPiecesIsTakenOutWhole() {
        var t = new ToolCallText();
        String seen = t.accept("Let me look. <tool") + t.accept("_call>{\"name\": \"web_se") + t.accept("arch\", \"arguments\": {\"query\": \"x\"}}</tool_")
                + t.accept("call> after") + t.flush();
        assertThat(seen).isEqualTo("Let me look.  after");
        assertThat(t.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("web_search");
            assertThat(c.arguments().path("query").asText()).isEqualTo("x");
        });
    }

    @Test
    void aTailThatOnlyLooksLikeATagIsReleasedAtTheEnd() {
        var t = new ToolCallText();
        assertThat(t.accept("a <tool")).isEqualTo("a ");
        assertThat(t.flush()).isEqualTo("<tool");
        assertThat(t.calls()).isEmpty();
    }

    @Test
    void anUnterminatedOrMalformedBlockIsDroppedWithoutACall() {
        var t = new ToolCallText();
        String seen = t.accept("<tool_call>not json</tool_call>x<tool_call>{\"name\":\"web_search\"") + t.flush();
        assertThat(seen).isEqualTo("x");
        assertThat(t.calls()).isEmpty();
    }
}
