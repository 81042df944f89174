package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
    private final RequestRules rules = new RequestRules(Map.of(
            "qwen3:8b", List.of("completion", "tools", "thinking"),
            "gemma:2b", List.of("completion"),
            "mystery:1b", List.of()));

    static ObjectNode params(String model, String... roleContent) {
        var p = Json.object().put("model", model);
        var msgs = p.putArray("messages");
        for (int i = 0; i < roleContent.length; i += 2) msgs.addObject().put("role", roleContent[i]).put("content", roleContent[i + 1]);
        return p;
    }

    private ObjectNode forwarded(ObjectNode p) {
        assertThat(rules.check(p)).isInstanceOf(RequestRules.Verdict.Forward.class);
        return ((RequestRules.Verdict.Forward) rules.check(p)).params();
    }

    private void rejected(ObjectNode p) {
        assertThat(rules.check(p)).isInstanceOf(RequestRules.Verdict.Reject.class);
    }

    @Test
    void unknownKeysAreDroppedSilentlyAndStreamIsForced() {
        var p = params("qwen3:8b", "system", "be brief", "user", "hi");
        p.put("stream", false).put("keep_alive", -1).put("raw", true).put("template", "x").putObject("options").put("seed", 1);
        p.put("format", "json").put("think", true);
        p.putArray("tools").addObject().put("type", "function");
        var out = forwarded(p);
        assertThat(out.propertyStream().map(Map.Entry::getKey).toList())
                .containsExactly("model", "messages", "stream", "think", "keep_alive", "options", "tools", "format");
        assertThat(out.get("stream").booleanValue()).isTrue();
        assertThat(out.get("keep_alive").intValue()).isEqualTo(-1);
    }

    @Test
    void modelMustBeOneThisNodeRegistered() {
        rejected(params("llama3.2:3b", "user", "hi"));
        rejected(Json.object().set("messages", Json.array()));
        rejected(params("qwen3:8b", "user", "hi").put("model", 7));
    }

    @Test
    void messagesMustBeAList() {
        rejected(Json.object().put("model", "qwen3:8b"));
        rejected(Json.object().put("model", "qwen3:8b").put("messages", "hi"));
        rejected((ObjectNode) params("qwen3:8b").set("messages", Json.array().add("not an object")));
    }

    @Test
    void atMostFiftyMessagesAreAllowed() {
        var fifty = params("qwen3:8b");
        for (int i = 0; i < 50; i++) fifty.withArray("messages").addObject().put("role", "user").put("content", "x");
        forwarded(fifty);
        fifty.withArray("messages").addObject().put("role", "user").put("content", "x");
        rejected(fifty);
    }

    @Test
    void rolesAreLimitedToUserAssistantSystemAndTool() {
        forwarded(params("qwen3:8b", "system", "s", "user", "u", "assistant", "a", "tool", "t"));
        rejected(params("qwen3:8b", "developer", "x"));
        rejected(params("qwen3:8b", "User", "x"));
        rejected((ObjectNode) params("qwen3:8b").set("messages", Json.array().add(Json.object().put("content", "no role"))));
    }

    @Test
    void eachStringContentIsAtMostTenThousandCharacters() {
        forwarded(params("qwen3:8b", "user", "a".repeat(10_000)));
        rejected(params("qwen3:8b", "user", "a".repeat(10_001)));
        forwarded(params("qwen3:8b", "user", "😀".repeat(10_000))); // code points, as upstream counts
    }

    @Test
    void nonStringContentIsNotLengthChecked() {
        var p = params("qwen3:8b");
        p.withArray("messages").addObject().put("role", "assistant").putNull("content");
        forwarded(p);
    }

    @Test
    void thinkAndToolsAreDroppedForModelsKnownNotToSupportThem() {
        var p = params("gemma:2b", "user", "hi").put("think", false);
        p.putArray("tools").addObject().put("type", "function");
        var out = forwarded(p);
        assertThat(out.has("think")).isFalse();
        assertThat(out.has("tools")).isFalse();
    }

    @Test
    void thinkAndToolsPassWhenCapabilitiesAreUnknown() {
        var p = params("mystery:1b", "user", "hi").put("think", true);
        p.putArray("tools");
        var out = forwarded(p);
        assertThat(out.has("think")).isTrue();
        assertThat(out.has("tools")).isTrue();
    }

    @Test
    void theHubsParamsAreNotModified() {
        var p = params("gemma:2b", "user", "hi").put("think", true).put("extra", 1);
        forwarded(p);
        assertThat(p.has("think")).isTrue();
        assertThat(p.has("extra")).isTrue();
    }
}
