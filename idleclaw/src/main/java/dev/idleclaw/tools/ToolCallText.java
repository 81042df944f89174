package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Takes {@code <tool_call>{"name": …, "arguments": {…}}</tool_call>} blocks out of a streamed answer, as a stream:
 * what {@link #accept} returns never contains a block or a piece of one (a tail that could start a tag is held
 * back until the next piece or {@link #flush}), and each complete block becomes a {@link ToolCall}. A block whose
 * JSON does not name a tool is dropped; an unterminated one is dropped at the end.
 */
public final class ToolCallText {
    private static final String OPEN = "<tool_call>", CLOSE = "</tool_call>";
    /** Characters of one block: a tool call is a line of JSON; more is a model rambling inside a tag. */
    static final int MAX_BLOCK_CHARS = 8_192;

    private final StringBuilder carry = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private boolean inside;

    /** The next piece; returns what the consumer may see now. */
    public String accept(String piece) {
        carry.append(piece);
        var out = new StringBuilder();
        while (true) {
            String text = carry.toString(), lower = text.toLowerCase(Locale.ROOT);
            if (inside) {
                int end = lower.indexOf(CLOSE);
                if (end < 0) {
                    if (carry.length() > MAX_BLOCK_CHARS + CLOSE.length()) carry.delete(0, carry.length() - CLOSE.length());
                    return out.toString();
                }
                parse(text.substring(0, end));
                carry.delete(0, end + CLOSE.length());
                inside = false;
                continue;
            }
            int start = lower.indexOf(OPEN);
            if (start >= 0) {
                out.append(text, 0, start);
                carry.delete(0, start + OPEN.length());
                inside = true;
                continue;
            }
            int hold = heldTail(lower);
            out.append(text, 0, text.length() - hold);
            carry.delete(0, text.length() - hold);
            return out.toString();
        }
    }

    /** The end of the answer: the held-back tail (an unterminated block is dropped). */
    public String flush() {
        String rest = inside ? "" : carry.toString();
        carry.setLength(0);
        inside = false;
        return rest;
    }

    /** The calls found so far, in order. */
    public List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    private void parse(String block) {
        if (block.length() > MAX_BLOCK_CHARS) return;
        try {
            JsonNode call = Json.parse(block.strip());
            JsonNode name = call.path("name");
            if (!name.isTextual()) return;
            JsonNode args = call.has("arguments") ? call.get("arguments") : call.path("parameters");
            calls.add(new ToolCall(null, calls.size(), name.textValue(), args.isMissingNode() ? Json.object() : args));
        } catch (Exception e) {
            // not JSON: no call
        }
    }

    /** Length of the longest suffix of {@code lower} that is a proper prefix of the opening tag. */
    private static int heldTail(String lower) {
        for (int k = Math.min(lower.length(), OPEN.length() - 1); k > 0; k--) {
            if (OPEN.startsWith(lower.substring(lower.length() - k))) return k;
        }
        return 0;
    }
}
