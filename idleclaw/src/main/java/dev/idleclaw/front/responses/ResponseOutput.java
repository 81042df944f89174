package dev.idleclaw.front.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.front.ollama.ToolCallIds;
import dev.idleclaw.json.Json;
import java.io.IOException;

/**
 * A response's output items, built from the answer's pieces in arrival order: a reasoning item while the model
 * thinks, a message item while it writes, one function call item per tool call. Each step is reported to
 * {@link Events} as the Responses stream's typed event; a non-streamed answer ignores them and keeps only the items.
 */
final class ResponseOutput {

    /** Receives each stream event: its type and its fields other than {@code type} and {@code sequence_number}. */
    interface Events {
        void emit(String type, ObjectNode fields) throws IOException;
    }

    private enum Open { NONE, REASONING, MESSAGE }

    private final Events events;
    private final ArrayNode items = Json.array();
    private final StringBuilder text = new StringBuilder();
    private Open open = Open.NONE;
    private String itemId;
    private boolean hasMessage;

    ResponseOutput(Events events) {
        this.events = events;
    }

    void thinking(String delta) throws IOException {
        if (delta.isEmpty()) return;
        if (open != Open.REASONING) {
            close();
            begin(Open.REASONING, reasoning(ResponseIds.next("rs"), null));
        }
        text.append(delta);
        events.emit("response.reasoning_text.delta", at().put("content_index", 0).put("delta", delta));
    }

    void content(String delta) throws IOException {
        if (delta.isEmpty()) return;
        if (open != Open.MESSAGE) openMessage();
        text.append(delta);
        var e = at().put("content_index", 0).put("delta", delta);
        e.putArray("logprobs");
        events.emit("response.output_text.delta", e);
    }

    void toolCall(ToolCall tc) throws IOException {
        close();
        String args = Json.write(tc.arguments());
        ObjectNode item = Json.object().put("id", ResponseIds.next("fc")).put("type", "function_call").put("status", "in_progress")
                .put("arguments", "").put("call_id", tc.id() != null ? tc.id() : ToolCallIds.next()).put("name", tc.name());
        int index = items.size();
        events.emit("response.output_item.added", Json.object().put("output_index", index).set("item", item.deepCopy()));
        String id = item.get("id").textValue();
        events.emit("response.function_call_arguments.delta", Json.object().put("item_id", id).put("output_index", index).put("delta", args));
        events.emit("response.function_call_arguments.done", Json.object().put("item_id", id).put("output_index", index)
                .put("name", tc.name()).put("arguments", args));
        item.put("status", "completed").put("arguments", args);
        items.add(item);
        events.emit("response.output_item.done", Json.object().put("output_index", index).set("item", item));
    }

    /** Closes the open item; an answer with no message and no tool call still gets an (empty) message. */
    ArrayNode finish() throws IOException {
        close();
        boolean calls = false;
        for (var item : items) calls |= item.path("type").asText().equals("function_call");
        if (!hasMessage && !calls) {
            openMessage();
            close();
        }
        return items;
    }

    /** The items finished so far (a failed stream's partial output). */
    ArrayNode items() {
        return items;
    }

    private void openMessage() throws IOException {
        close();
        hasMessage = true;
        begin(Open.MESSAGE, message(ResponseIds.next("msg"), "in_progress", null));
        events.emit("response.content_part.added", at().put("content_index", 0).set("part", textPart("")));
    }

    private void begin(Open kind, ObjectNode item) throws IOException {
        open = kind;
        itemId = item.get("id").textValue();
        text.setLength(0);
        events.emit("response.output_item.added", Json.object().put("output_index", items.size()).set("item", item));
    }

    private void close() throws IOException {
        switch (open) {
            case NONE -> { return; }
            case REASONING -> {
                events.emit("response.reasoning_text.done", at().put("content_index", 0).put("text", text.toString()));
                finishItem(reasoning(itemId, text.toString()));
            }
            case MESSAGE -> {
                var done = at().put("content_index", 0).put("text", text.toString());
                done.putArray("logprobs");
                events.emit("response.output_text.done", done);
                events.emit("response.content_part.done", at().put("content_index", 0).set("part", textPart(text.toString())));
                finishItem(message(itemId, "completed", text.toString()));
            }
        }
        open = Open.NONE;
    }

    private void finishItem(ObjectNode item) throws IOException {
        int index = items.size();
        items.add(item);
        events.emit("response.output_item.done", Json.object().put("output_index", index).set("item", item));
    }

    private ObjectNode at() {
        return Json.object().put("item_id", itemId).put("output_index", items.size());
    }

    private static ObjectNode message(String id, String status, String text) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = m.putArray("content");
        if (text != null) content.add(textPart(text));
        return m;
    }

    private static ObjectNode reasoning(String id, String text) {
        ObjectNode r = Json.object().put("id", id).put("type", "reasoning");
        r.putArray("summary");
        ArrayNode content = r.putArray("content");
        if (text != null) content.addObject().put("type", "reasoning_text").put("text", text);
        return r;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode p = Json.object().put("type", "output_text").put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }
}
