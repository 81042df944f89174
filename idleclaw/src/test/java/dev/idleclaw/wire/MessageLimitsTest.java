package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.idleclaw.json.Json;
import org.junit.jupiter.api.Test;

/** The node's message rules, shared by the hub so that it refuses what a node would (idleclaw-wire.md §5). */
class MessageLimitsTest {
    private static ArrayNode messages(int count, String content) {
        ArrayNode arr = Json.array();
        for (int i = 0; i < count; i++) arr.addObject().put("role", "user").put("content", content);
        return arr;
    }

    @Test
    void fiftyMessagesOfTenThousandCharactersPass() {
        assertThat(MessageLimits.violation(messages(WireLimits.MAX_MESSAGES, "a".repeat(WireLimits.MAX_MESSAGE_CHARS)))).isNull();
    }

    @Test
    void eachRefusalNamesTheLimit() {
        assertThat(MessageLimits.violation(messages(51, "hi"))).isEqualTo("too many messages: 51 (nodes accept at most 50)");
        assertThat(MessageLimits.violation(messages(1, "a".repeat(10_001))))
                .isEqualTo("message 0 is 10001 characters long (nodes accept at most 10000 per message)");
        var badRole = messages(1, "hi");
        badRole.addObject().put("role", "root").put("content", "hi");
        assertThat(MessageLimits.violation(badRole)).startsWith("message 1 has an unknown role");
        assertThat(MessageLimits.violation(Json.object())).isEqualTo("messages is not a list");
        assertThat(MessageLimits.violation(Json.array().add("text"))).isEqualTo("message 0 is not an object");
    }

    @Test
    void charactersAreCountedAsCodePointsAsTheNodeCountsThem() {
        String emoji = "\uD83D\uDE00".repeat(WireLimits.MAX_MESSAGE_CHARS);
        assertThat(MessageLimits.violation(messages(1, emoji))).isNull();
        assertThat(MessageLimits.violation(messages(1, emoji + "a"))).contains("10001 characters");
    }
}
