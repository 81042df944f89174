package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.tools.Source;
import dev.idleclaw.tools.Tool;
import dev.idleclaw.tools.Toolbox;
import dev.idleclaw.wire.RequestSize;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side tool rounds of one answer: what each node run is offered (native {@code tools} for models that
 * call tools, the {@code <tool_call>} instructions for the others, nothing on the last allowed run), the messages
 * the rounds added (each assistant turn with its kept calls, then one {@code tool} message per call, paired by the
 * call's id), the pages the calls drew on, and the metrics of every run, summed for the answer's end. A round whose
 * next run would be over the serving node's limits is not run: the answer ends with a run offered no tool.
 */
final class ToolLoop {
    private static final Logger log = LoggerFactory.getLogger(ToolLoop.class);
    /** Tool rounds per answer (upstream's cap, idleclaw-wire.md §6), on every path; the next run is offered no tool. */
    static final int MAX_ROUNDS = 5;
    /** The metric label for a call of a tool the hub does not offer (its name is the model's, never a label). */
    static final String UNKNOWN_TOOL = "unknown";
    /** Sources listed for one answer: five rounds of five results is already more than a reader follows. */
    static final int MAX_SOURCES = 20;

    private final Toolbox toolbox;
    private final HubMetrics metrics;
    private final List<ObjectNode> added = new ArrayList<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private int rounds;
    /** No more rounds: the next run would not fit the node with another one. */
    private boolean closed;
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

    /** Whether tools are offered on the next run (not once {@link #MAX_ROUNDS} rounds ran, nor once a round did not fit). */
    boolean offering() {
        return !closed && rounds < MAX_ROUNDS;
    }

    /** The pages the answer's tool calls drew on, first use first, each URL once. */
    List<Source> sources() {
        return List.copyOf(sources.values());
    }

    /** {@code params} for {@code link} with the tools offered and the rounds' messages appended. */
    ObjectNode params(ObjectNode params, NodeLink link) {
        return build(params, link, offering(), List.of());
    }

    private ObjectNode build(ObjectNode params, NodeLink link, boolean offer, List<ObjectNode> extra) {
        ObjectNode p = params.deepCopy();
        var messages = (ArrayNode) p.get("messages");
        if (offer) {
            if (link.canCallTools(p.path("model").asText(""))) p.set("tools", toolbox.definitions());
            else instruct(messages);
        }
        added.forEach(m -> messages.add(m.deepCopy()));
        extra.forEach(m -> messages.add(m.deepCopy()));
        return p;
    }

    /** Why {@code link} would refuse the next run built on {@code base} (with {@code extra} messages), or null. */
    private String refusal(ObjectNode base, NodeLink link, boolean offer, List<ObjectNode> extra) {
        ObjectNode p = build(base, link, offer, extra);
        return link.refusal(p.path("model").asText(""), RequestSize.of(p));
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
     * Runs {@code run}'s calls one at a time for {@code link}'s node, within what is left until {@code deadline}
     * (nanoTime): unknown tools dropped, the status shown through {@code door} (kept warm every {@code keepAlive} while
     * a call runs), the assistant turn and one result per kept call appended for the next run. {@code base} is the
     * request's own parameters for {@code link}: a round that would take the next run over the node's limits (checked
     * before the calls run, with empty results, and after, with theirs) is dropped, and no tool is offered again.
     */
    void execute(RoundSink run, NodeLink link, ObjectNode base, long deadline, ChatSink door, Duration keepAlive)
            throws IOException, InterruptedException {
        rounds++;
        List<ToolCall> kept = new ArrayList<>();
        for (ToolCall c : run.calls()) {
            if (toolbox.find(c.name()) == null) metrics.toolCall(UNKNOWN_TOOL, "unknown_tool", 0);
            else kept.add(new ToolCall(c.id() != null ? c.id() : "call_" + rounds + "_" + kept.size(), kept.size(), c.name(), c.arguments()));
        }
        var assistant = Json.object().put("role", "assistant").put("content", run.shownContent());
        var calls = assistant.putArray("tool_calls");
        kept.forEach(c -> calls.add(OllamaJson.toolCall(c)));
        List<ObjectNode> round = new ArrayList<>(List.of(assistant));
        kept.forEach(c -> round.add(result(c, "")));
        String over = refusal(base, link, false, round);
        if (over != null) {
            close(link, over);
            return;
        }
        round.subList(1, round.size()).clear();
        Map<String, Source> found = new LinkedHashMap<>();
        String node = link.pubkey() != null ? link.pubkey() : link.nodeId();
        for (ToolCall c : kept) {
            Tool tool = toolbox.find(c.name());
            door.toolStatus(tool.name(), "executing");
            door.flush();
            var answer = toolbox.call(node, tool, c.arguments(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    () -> {
                        door.keepAlive();
                        door.flush();
                    }, keepAlive);
            metrics.toolCall(tool.name(), answer.outcome().label(), answer.nanos());
            round.add(result(c, answer.text()));
            answer.sources().forEach(src -> found.putIfAbsent(src.url(), src));
            door.toolStatus(tool.name(), "done");
            door.flush();
        }
        over = refusal(base, link, false, round);
        if (over != null) {
            close(link, over);
            return;
        }
        added.addAll(round);
        found.forEach((url, src) -> {
            if (sources.size() < MAX_SOURCES) sources.putIfAbsent(url, src);
        });
        if (offering()) {
            over = refusal(base, link, true, List.of());
            if (over != null) close(link, over);
        }
    }

    private static ObjectNode result(ToolCall call, String text) {
        return Json.object().put("role", "tool").put("content", text).put("tool_name", call.name()).put("tool_call_id", call.id());
    }

    /** No further round: the next run goes without tools (and without this round, when it did not fit). */
    private void close(NodeLink link, String why) {
        closed = true;
        log.info("tool round {} ends the tools: the next request would be over {}'s limits ({})", rounds, link, why);
    }
}
