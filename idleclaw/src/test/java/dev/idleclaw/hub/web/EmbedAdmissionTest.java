package dev.idleclaw.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbedAdmissionTest {

    @Test
    void embeddingDoorsShareTheChatBudgetSoTheyAreNoWayAroundIt() {
        for (String path : new String[] {"/api/embed", "/api/embeddings", "/v1/embeddings"}) {
            assertThat(RateLimiter.kindOf(path)).as(path).isEqualTo(RateLimiter.Kind.CHAT);
        }
    }

    @Test
    void ollamasEmbeddingDoorsAnswerErrorsInOllamasShape() {
        assertThat(ErrorShape.of("/api/embed")).isEqualTo(ErrorShape.OLLAMA);
        assertThat(ErrorShape.of("/api/embeddings")).isEqualTo(ErrorShape.OLLAMA);
        assertThat(ErrorShape.of("/v1/embeddings")).isEqualTo(ErrorShape.OPENAI);
    }
}
