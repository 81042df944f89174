package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.tools.Tool;
import dev.idleclaw.tools.Toolbox;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-side tool rounds of one answer: what each node run is offered (native {@code tools} for models that
 * call tools, the {@code <tool_call>} instructions for the others, nothing on the last allowed run), the messages
 * the rounds added (each assistant turn with its kept calls, then one {@code tool} message per call, paired by the
 * call's id), and the metrics of every run, summed for the answer's end.
 */
final class ToolLoop {
    /** Tool rounds per answer (upstream's cap, idleclaw-wire.md §6), on every path; the next run is offered no tool. */
    static final int MAX_ROUNDS = 5;
    /** The metric label for a call of a tool the hub does not offer (its name is the model's, never a label). */
    static final String UNKNOWN_TOOL = "unknown";

    private final Toolbox toolbox;
    private final HubMetrics metrics;
    private final List<ObjectNode> added = new ArrayList<>();
    private int rounds;
    private long promptEvalCount, promptEvalDuration, evalCount, evalDuration, totalDuration, loadDuration;
    private boolean measured;

    ToolLoop(Toolbox toolbox, HubMetrics metrics) {
        this.toolbox = toolbox;
        this.metrics = metrics;
    }

    /** A sink for one node run in front of the door's. */
    RoundSink sink(ChatSink door) {
        return new RoundSink(door, this);
    }

    /** Whether tools are offered on the next run (not once {@link #MAX_ROUNDS} rounds ran). */
    boolean offering() {
        return rounds < MAX_ROUNDS;
    }

    /** {@code params} for {@code link} with the tools offered and the rounds' messages appended. */
    ObjectNode params(ObjectNode params, NodeLink link) {
        ObjectNode p = params.deepCopy();
        var messages = (ArrayNode) p.get("messages");
        if (offering()) {
            if (link.canCallTools(p.path("model").asText(""))) p.set("tools", toolbox.definitions());
            else instruct(messages);
        }
        added.forEach(m -> messages.add(m.deepCopy()));
        return p;
    }

    /** Adds the text-tool instructions to the leading system message, or as one. */
    private void instruct(ArrayNode messages) {
        String text = toolbox.textInstructions();
        if (!messages.isEmpty() && "system".equals(messages.get(0).path("role").asText())) {
            var first = (ObjectNode) messages.get(0);
            first.put("content", first.path("content").asText("") + "\n\n" + text);
        } else {
            messages.insert(0, Json.object().put("role", "system").put("content", text));
        }
    }

    /** Whether {@code run}'s calls start another round: some call names an offered tool, and rounds are left. */
    boolean wantsRound(RoundSink run) {
        return offering() && run.calls().stream().anyMatch(c -> toolbox.find(c.name()) != null);
    }

    /** Counts a node run's metrics into the answer's. */
    void measure(ChatEnd end) {
        if (end.metrics() == null) return;
        var m = end.metrics();
        measured = true;
        promptEvalCount += m.promptEvalCount();
        promptEvalDuration += m.promptEvalDuration();
        evalCount += m.evalCount();
        evalDuration += m.evalDuration();
        totalDuration += m.totalDuration();
        loadDuration += m.loadDuration();
    }

    /** The last run's end with every run's token counts and durations added up. */
    ChatEnd total(ChatEnd last) {
        if (rounds == 0) return last;
        measure(last);
        return new ChatEnd(last.doneReason(), measured ? new ChatEnd.Metrics(totalDuration, loadDuration, promptEvalCount,
                promptEvalDuration, evalCount, evalDuration) : null);
    }

    /**
     * Runs {@code run}'s calls one at a time for {@code node}, within what is left until {@code deadline} (nanoTime):
     * unknown tools dropped, the status shown through {@code door}, the assistant turn and one result per kept call
     * appended for the next run.
     */
    void execute(RoundSink run, String node, long deadline, ChatSink door) throws IOException, InterruptedException {
        rounds++;
        List<ToolCall> kept = new ArrayList<>();
        for (ToolCall c : run.calls()) {
            if (toolbox.find(c.name()) == null) metrics.toolCall(UNKNOWN_TOOL, "unknown_tool", 0);
            else kept.add(new ToolCall(c.id() != null ? c.id() : "call_" + rounds + "_" + kept.size(), kept.size(), c.name(), c.arguments()));
        }
        var assistant = Json.object().put("role", "assistant").put("content", run.shownContent());
        var calls = assistant.putArray("tool_calls");
        kept.forEach(c -> calls.add(OllamaJson.toolCall(c)));
        added.add(assistant);
        for (ToolCall c : kept) {
            Tool tool = toolbox.find(c.name());
            door.toolStatus(tool.name(), "executing");
            door.flush();
            var result = toolbox.call(node, tool, c.arguments(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            metrics.toolCall(tool.name(), result.outcome().label(), result.nanos());
            added.add(Json.object().put("role", "tool").put("content", result.text()).put("tool_name", tool.name())
                    .put("tool_call_id", c.id()));
            door.toolStatus(tool.name(), "done");
            door.flush();
        }
    }
}
