package dev.idleclaw.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.AgentBody;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.relay.TokenEstimate;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.MessageLimits;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.RequestSize;
import dev.idleclaw.wire.WireCodec;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code body-cost}: the hub's work on one agent-sized request body ({@link AgentBody}, Ollama door), step by step,
 * with the product's own code in this JVM: CPU time and bytes allocated per step. No JMH: each step is warmed up, then
 * timed over many calls in several rounds and the median round is shown, so read the figures as estimates.
 */
@Command(name = "body-cost", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time each step the hub takes on one agent-sized request body, in this JVM (µs and KiB allocated per call).")
public final class BodyCostCommand implements Callable<Integer> {
    @Option(names = "--bytes", defaultValue = "" + AgentBody.DEFAULT_BYTES, description = "Body size in bytes (default: ${DEFAULT-VALUE}).")
    int bytes;
    @Option(names = "--calls", defaultValue = "3000", description = "Calls per round, after as many unmeasured ones (default: ${DEFAULT-VALUE}).")
    int calls;
    @Option(names = "--rounds", defaultValue = "5", description = "Rounds per step; the median is shown (default: ${DEFAULT-VALUE}).")
    int rounds;

    /** Where each call's result goes, so the JIT cannot drop the work. */
    private static volatile Object sink;
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Override
    public Integer call() throws Exception {
        byte[] body = AgentBody.of(Door.OLLAMA, "llama3.2:latest", bytes).getBytes(StandardCharsets.UTF_8);
        JsonNode tree = BodyJson.parsedOrNull(body);
        ChatRequest request = canonical(tree);
        ObjectNode params = OllamaJson.params(request, null);
        String frame = WireCodec.encode(new HubMessage.InferenceRequest("request-id", params, null));

        var steps = new LinkedHashMap<String, Supplier<Object>>();
        steps.put("parse the body (Json.parse; once per request)", () -> parse(body));
        steps.put("params for sizing (OllamaJson.params)", () -> OllamaJson.params(request, null));
        steps.put("size them (RequestSize.of)", () -> RequestSize.of(params));
        steps.put("check the messages (MessageLimits.violation)", () -> MessageLimits.violation(params.get("messages"), NodeLimits.AGENT));
        steps.put("params for the attempt (OllamaJson.params)", () -> OllamaJson.params(request, null));
        steps.put("encode the frame (WireCodec.encode)", () -> WireCodec.encode(new HubMessage.InferenceRequest("request-id", params, null)));
        steps.put("frame to UTF-8 (as Jetty's sendText)", () -> frame.getBytes(StandardCharsets.UTF_8));
        var extra = new LinkedHashMap<String, Supplier<Object>>();
        extra.put("receipt check: prompt token estimate", () -> promptEstimate(params));
        extra.put("removed: the dialect rule's own parse (BodyJson.quiet)", () -> BodyJson.quiet(body));
        extra.put("removed: parse via a strictly decoded String", () -> parseText(body));

        System.out.printf("body-cost: a %,d-byte agent body (%d messages, %d tools), frame %,d chars; %d calls × %d rounds per step%n%n",
                body.length, request.messages().size(), AgentBody.TOOLS, frame.length(), calls, rounds);
        var t = new Table("step", "µs/call", "KiB/call");
        double us = 0, kib = 0;
        for (var e : steps.entrySet()) {
            double[] r = measure(e.getValue());
            t.row(e.getKey(), r[0], r[1]);
            us += r[0];
            kib += r[1];
        }
        t.row("the hub's path in all", us, kib);
        for (var e : extra.entrySet()) {
            double[] r = measure(e.getValue());
            t.row(e.getKey(), r[0], r[1]);
        }
        System.out.print(t);
        return 0;
    }

    /** Median µs and KiB allocated per call over the rounds, after one unmeasured round. */
    private double[] measure(Supplier<Object> step) {
        for (int i = 0; i < calls; i++) sink = step.get();
        double[] us = new double[rounds], kib = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long a0 = THREADS.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) sink = step.get();
            long t1 = System.nanoTime(), a1 = THREADS.getCurrentThreadAllocatedBytes();
            us[r] = (t1 - t0) / 1e3 / calls;
            kib[r] = (a1 - a0) / 1024.0 / calls;
        }
        Arrays.sort(us);
        Arrays.sort(kib);
        return new double[] {us[rounds / 2], kib[rounds / 2]};
    }

    /** The request as the Ollama door decodes it (roles, contents, tool calls and names, tools). */
    private static ChatRequest canonical(JsonNode tree) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : tree.get("messages")) {
            var calls = OllamaJson.toolCalls(m.get("tool_calls"));
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText(), null, null,
                    calls.isEmpty() ? null : calls, Json.text(m, "tool_name"), null));
        }
        return new ChatRequest(tree.get("model").asText(), List.copyOf(messages), null, tree.get("tools"), null, null, null);
    }

    /** The prompt estimate the relay checks a node's receipt against (ChatRelay.expected). */
    private static long promptEstimate(ObjectNode params) {
        long tokens = TokenEstimate.of(params.path("tools").toString());
        for (JsonNode m : params.path("messages")) {
            tokens += TokenEstimate.of(m.path("content").asText("")) + TokenEstimate.of(m.path("thinking").asText(""))
                    + TokenEstimate.of(m.path("tool_calls").isMissingNode() ? "" : m.path("tool_calls").toString());
        }
        return tokens;
    }

    private static Object parse(byte[] body) {
        try {
            return Json.parse(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object parseText(byte[] body) {
        try {
            return Json.MAPPER.readTree(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
