package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DoorShapesTest {
    private static DoorShapes shapes() {
        var s = new DoorShapes();
        s.route("/api/generate", ErrorShape.OLLAMA);
        s.route("/v1/chat/completions", ErrorShape.OPENAI);
        s.route("/v1/models/<model>", ErrorShape.OPENAI);
        s.route("/v1/messages", ErrorShape.ANTHROPIC);
        s.route("/api/chat", ctx -> ErrorShape.OLLAMA);
        s.claim("/v1/", ErrorShape.OPENAI);
        s.claim("/v1/messages/", ErrorShape.ANTHROPIC);
        return s;
    }

    @Test
    void aRoutedPathIsInTheShapeOfTheDoorThatRegisteredIt() {
        var s = shapes();
        assertThat(s.of("/api/generate", null)).isEqualTo(ErrorShape.OLLAMA);
        assertThat(s.of("/v1/chat/completions", null)).isEqualTo(ErrorShape.OPENAI);
        assertThat(s.of("/v1/messages", null)).isEqualTo(ErrorShape.ANTHROPIC);
        assertThat(s.of("/api/chat", null)).isEqualTo(ErrorShape.OLLAMA);
    }

    @Test
    void aPathParameterSpansTheRestOfThePathButNotItsAbsence() {
        var s = shapes();
        assertThat(s.of("/v1/models/hf.co/nobody/nothing:Q4", null)).isEqualTo(ErrorShape.OPENAI);
        var noClaims = new DoorShapes();
        noClaims.route("/v1/models/<model>", ErrorShape.OPENAI);
        assertThat(noClaims.of("/v1/models/", null)).isEqualTo(ErrorShape.IDLECLAW);
        assertThat(noClaims.of("/v1/models/x", null)).isEqualTo(ErrorShape.OPENAI);
    }

    @Test
    void unroutedPathsBelongToTheDoorWithTheLongestClaimElseToTheHub() {
        var s = shapes();
        assertThat(s.of("/v1/nope", null)).isEqualTo(ErrorShape.OPENAI);
        assertThat(s.of("/v1/messages/nope", null)).isEqualTo(ErrorShape.ANTHROPIC);
        assertThat(s.of("/api/generate/x", null)).isEqualTo(ErrorShape.IDLECLAW);
        assertThat(s.of("/nope", null)).isEqualTo(ErrorShape.IDLECLAW);
    }

    @Test
    void eachShapeWritesItsDoorsErrorBody() {
        assertThat(ErrorShape.IDLECLAW.body(429, "slow down")).isEqualTo("{\"detail\":\"slow down\"}");
        assertThat(ErrorShape.OLLAMA.body(429, "slow down")).isEqualTo("{\"error\":\"slow down\"}");
        assertThat(ErrorShape.OPENAI.body(429, "slow down")).isEqualTo(
                "{\"error\":{\"message\":\"slow down\",\"type\":\"api_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
        assertThat(ErrorShape.OPENAI.body(401, "no")).isEqualTo(
                "{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        assertThat(ErrorShape.ANTHROPIC.body(429, "slow down")).startsWith("{\"type\":\"error\",\"error\":{");
    }
}
