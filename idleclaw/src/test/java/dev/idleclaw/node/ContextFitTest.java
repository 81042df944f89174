package dev.idleclaw.node;

import static dev.idleclaw.node.RequestRulesTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.wire.NodeLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our node's own limits and its {@code num_ctx} rule: a long prompt is never silently cut by Ollama's default context. */
class ContextFitTest {
    private static final String MODEL = "llama3.2:3b";
    private final RequestRules rules = new RequestRules(Map.of(MODEL, List.of("completion", "tools"), "small:1b", List.of()),
            Map.of(MODEL, 131_072, "small:1b", 8_192), NodeLimits.AGENT);

    private ObjectNode forwarded(ObjectNode p) {
        var verdict = rules.check(p);
        assertThat(verdict).isInstanceOf(RequestRules.Verdict.Forward.class);
        return ((RequestRules.Verdict.Forward) verdict).params();
    }

    private String rejected(ObjectNode p) {
        var verdict = rules.check(p);
        assertThat(verdict).isInstanceOf(RequestRules.Verdict.Reject.class);
        return ((RequestRules.Verdict.Reject) verdict).why();
    }

    @Test
    void aShortPromptLeavesNumCtxToOllama() {
        assertThat(forwarded(params(MODEL, "user", "hi")).has("options")).isFalse();
    }

    @Test
    void anAgentSizedPromptGetsANumCtxThatHoldsItAndTheAnswerRoundedToAStep() {
        // 30,000 characters: 10,000 tokens by the generous estimate, plus 2,048 for the answer → 16,384.
        var out = forwarded(params(MODEL, "system", "x".repeat(30_000), "user", "go"));
        assertThat(out.at("/options/num_ctx").asLong()).isEqualTo(16_384);
    }

    @Test
    void numPredictIsTheAnswerBudgetWhenTheRequestSetsIt() {
        var p = params(MODEL, "system", "x".repeat(30_000));
        p.putObject("options").put("num_predict", 10_000).put("temperature", 0.2);
        var out = forwarded(p);
        assertThat(out.at("/options/num_ctx").asLong()).isEqualTo(24_576);
        assertThat(out.at("/options/temperature").asDouble()).isEqualTo(0.2);
        assertThat(p.at("/options/num_ctx").isMissingNode()).as("the hub's params are not modified").isTrue();
    }

    @Test
    void aRequestThatChoseNumCtxKeepsIt() {
        var p = params(MODEL, "system", "x".repeat(30_000));
        p.putObject("options").put("num_ctx", 32_768);
        assertThat(forwarded(p).at("/options/num_ctx").asLong()).isEqualTo(32_768);
    }

    @Test
    void numCtxNeverExceedsTheModelsContextWindow() {
        // 28,000 characters: 7,000 typical tokens fit in 8,192, but the generous estimate plus the answer would not.
        assertThat(forwarded(params("small:1b", "user", "x".repeat(28_000))).at("/options/num_ctx").asLong()).isEqualTo(8_192);
    }

    @Test
    void aPromptBeyondTheContextWindowIsRefusedNotCut() {
        assertThat(rejected(params("small:1b", "user", "x".repeat(40_000))))
                .isEqualTo("a prompt of about 10000 tokens does not fit the model's context of 8192 tokens");
    }

    @Test
    void toolSchemasCountTowardsThePrompt() {
        var p = params(MODEL, "user", "hi");
        var tools = p.putArray("tools");
        for (int i = 0; i < 40; i++) tools.addObject().put("type", "function").putObject("function").put("description", "d".repeat(1_000));
        assertThat(forwarded(p).at("/options/num_ctx").asLong()).isEqualTo(16_384);
    }

    @Test
    void theNodesOwnLimitsReplaceTheOriginalOnes() {
        var many = params(MODEL);
        for (int i = 0; i < 120; i++) many.withArray("messages").addObject().put("role", "user").put("content", "m" + i);
        forwarded(many);
        forwarded(params(MODEL, "system", "x".repeat(25_000)));

        var lowered = new RequestRules(Map.of(MODEL, List.of()), Map.of(), new NodeLimits(60, 20_000, 1 << 20));
        assertThat(lowered.check(many)).isInstanceOf(RequestRules.Verdict.Reject.class);
        assertThat(lowered.check(params(MODEL, "system", "x".repeat(25_000)))).isInstanceOf(RequestRules.Verdict.Reject.class);
    }
}
