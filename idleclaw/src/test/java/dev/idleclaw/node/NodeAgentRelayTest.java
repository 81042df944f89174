package dev.idleclaw.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node relaying {@code inference_request}s to Ollama and back, as the hub sees it. */
class NodeAgentRelayTest extends NodeTestSupport {

    @Test
    void relaysEachOllamaLineAsAWhitelistedChunkWithMetricsOnTheFinalOne() {
        ollama.reply(FakeOllama.tokens(QWEN, "Hel", "lo"));
        startAgent();
        hub.sendRequest("r1", chat(QWEN, "hi").put("unknown_key", 1).put("stream", false));

        hub.awaitEnd("r1", SOON);
        var chunks = chunks("r1");
        assertThat(chunks).extracting(c -> Json.write(c)).containsExactly(
                "{\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}",
                "{\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}",
                "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                        + "\"total_duration\":182242375,\"load_duration\":41295167,\"prompt_eval_count\":26,"
                        + "\"prompt_eval_duration\":24573166,\"eval_count\":3,\"eval_duration\":115959084}");
        var sent = ollama.chatBodies().getFirst();
        assertThat(sent.get("stream").booleanValue()).as("stream forced").isTrue();
        assertThat(sent.has("unknown_key")).as("unknown keys dropped silently").isFalse();
        assertThat(errors("r1")).isEmpty();
    }

    @Test
    void aLargeRequestArrivingInSeveralPartsIsReassembled() {
        startAgent();
        var big = chat(QWEN, "x");
        for (int i = 0; i < 45; i++) big.withArray("messages").addObject().put("role", "user").put("content", "y".repeat(9_000));
        hub.sendRequest("large", big);
        assertThat(hub.awaitEnd("large", SOON).path("chunk").path("done").asBoolean()).isTrue();
        assertThat(ollama.chatBodies().getFirst().get("messages")).hasSize(46);
    }

    @Test
    void everyValidationRuleAnswersInvalidRequestWithoutCallingOllama() {
        // A contributor's lowered limits (the original's) are what this node enforces.
        startAgent(config(2, FAST).withLimits(new dev.idleclaw.wire.NodeLimits(50, 10_000, 1 << 20)));
        var tooMany = chat(QWEN, "x");
        for (int i = 0; i < 50; i++) tooMany.withArray("messages").addObject().put("role", "user").put("content", "x");
        var invalid = List.of(
                chat("not-registered:1b", "hi"),
                Json.object().put("model", QWEN).put("messages", "hi"),
                tooMany,
                RequestRulesTest.params(QWEN, "developer", "hi"),
                chat(QWEN, "a".repeat(10_001)));
        for (int i = 0; i < invalid.size(); i++) hub.sendRequest("bad" + i, invalid.get(i));
        for (int i = 0; i < invalid.size(); i++) { // more than max_concurrent: invalid requests take no slot
            assertThat(hub.awaitEnd("bad" + i, SOON).get("error").textValue()).isEqualTo("invalid_request");
        }
        assertThat(ollama.chatBodies()).isEmpty();
    }

    @Test
    void thinkAndToolsAreDroppedOnlyForModelsWhoseCapabilitiesLackThem() {
        ollama.model("gemma:2b", 1_678_447_520L, List.of("completion"));
        startAgent();
        for (String model : List.of(QWEN, "gemma:2b")) {
            var p = chat(model, "hi").put("think", true);
            p.putArray("tools").addObject().put("type", "function");
            hub.sendRequest(model, p);
            hub.awaitEnd(model, SOON);
        }
        var byModel = ollama.chatBodies().stream().collect(java.util.stream.Collectors.toMap(
                b -> b.get("model").textValue(), b -> b));
        assertThat(byModel.get(QWEN).has("think")).as("qwen3 can think").isTrue();
        assertThat(byModel.get(QWEN).has("tools")).isTrue();
        assertThat(byModel.get("gemma:2b").has("think")).isFalse();
        assertThat(byModel.get("gemma:2b").has("tools")).isFalse();
    }

    @Test
    void toolCallsAreRelayedAsObjects() {
        ollama.reply(List.of("{\"model\":\"q\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
                + "[{\"id\":\"call_k3b9x2q1\",\"function\":{\"index\":0,\"name\":\"web_search\",\"arguments\":{\"query\":\"x\"}}}]},"
                + "\"done\":false}", FakeOllama.done(QWEN)));
        startAgent();
        hub.sendRequest("tools", chat(QWEN, "search"));
        hub.awaitEnd("tools", SOON);
        var first = chunks("tools").getFirst();
        assertThat(first.at("/message/tool_calls/0/function/name").textValue()).isEqualTo("web_search");
        assertThat(first.at("/message/tool_calls/0/function/arguments/query").textValue()).isEqualTo("x");
        assertThat(first.at("/message/content").textValue()).isEmpty();
    }

    @Test
    void aChunkOverOneHundredThousandBytesIsSkippedAndStreamingContinues() {
        var lines = new java.util.ArrayList<>(FakeOllama.tokens(QWEN, "before", "x".repeat(100_001), "after"));
        ollama.reply(lines);
        startAgent();
        hub.sendRequest("big", chat(QWEN, "hi"));
        hub.awaitEnd("big", SOON);
        assertThat(chunks("big")).extracting(c -> c.at("/message/content").textValue()).containsExactly("before", "after", "");
        assertThat(hub.frames()).allSatisfy(f -> assertThat(Json.write(f.json()).length()).isLessThanOrEqualTo(100_000));
    }

    @Test
    void anOllamaErrorMidStreamEndsTheRequestWithOllamaError() {
        ollama.reply(List.of(FakeOllama.tokens(QWEN, "I").getFirst(), "{\"error\":\"an error was encountered while running the model\"}"));
        startAgent();
        hub.sendRequest("err", chat(QWEN, "hi"));
        assertThat(hub.awaitEnd("err", SOON).get("error").textValue()).isEqualTo("ollama_error");
        assertThat(chunks("err")).hasSize(1);
    }

    @Test
    void ollamaDownAnswersOllamaUnavailable() {
        startAgent();
        ollama.close();
        hub.sendRequest("down", chat(QWEN, "hi"));
        assertThat(hub.awaitEnd("down", SOON).get("error").textValue()).isEqualTo("ollama_unavailable");
    }

    @Test
    void cancelClosesTheOllamaStreamAndNoChunkFollows() throws Exception {
        ollama.reply(FakeOllama.tokens(QWEN, many(300)), Duration.ofMillis(20));
        startAgent();
        hub.cancel("unknown-id"); // a no-op
        hub.sendRequest("c1", chat(QWEN, "hi"));
        await().atMost(SOON).until(() -> chunks("c1").size() >= 3);
        hub.cancel("c1");
        await().atMost(SOON).until(() -> ollama.closedByClient() == 1 && ollama.openStreams() == 0);
        int sent = chunks("c1").size();
        Thread.sleep(300);
        assertThat(chunks("c1")).hasSize(sent);
        assertThat(errors("c1")).isEmpty();
        await().atMost(SOON).until(() -> hub.frames("heartbeat").getLast().json().get("active_requests").intValue() == 0);
    }

    @Test
    void aCancelledRequestsSlotIsFreeForTheHubsNextRequestAtOnce() {
        // The hub frees its count of the node's slot when it sends the cancel; the next request may follow at once.
        ollama.reply(FakeOllama.tokens(QWEN, many(300)), Duration.ofMillis(20));
        startAgent(config(1, FAST));
        for (int i = 0; i < 20; i++) {
            String id = "again" + i;
            hub.sendRequest(id, chat(QWEN, "hi"));
            await().atMost(SOON).until(() -> !chunks(id).isEmpty() || !errors(id).isEmpty());
            assertThat(errors(id)).as("request %d after a cancel", i).isEmpty();
            hub.cancel(id);
        }
        await().atMost(SOON).until(() -> ollama.openStreams() == 0);
    }

    @Test
    void aNodeWhoseSlotsAreAllBusyStillReportsItselfAvailableSoTheHubUsesTheNextFreeSlotAtOnce() {
        ollama.reply(FakeOllama.tokens(QWEN, many(300)), Duration.ofMillis(20));
        startAgent(config(1, FAST));
        hub.sendRequest("full", chat(QWEN, "hi"));
        await().atMost(SOON).until(() -> !chunks("full").isEmpty());
        int seen = hub.frames("heartbeat").size();
        await().atMost(SOON).until(() -> hub.frames("heartbeat").size() > seen);
        var beat = hub.frames("heartbeat").getLast().json();
        assertThat(beat.get("active_requests").intValue()).isEqualTo(1);
        assertThat(beat.get("available").booleanValue()).as("available means taking work, not a free slot").isTrue();
        hub.cancel("full");
    }

    @Test
    void requestsRunConcurrentlyAndThoseBeyondMaxConcurrentAreRefused() {
        ollama.reply(FakeOllama.tokens(QWEN, many(300)), Duration.ofMillis(20));
        startAgent();
        hub.sendRequest("a", chat(QWEN, "hi"));
        hub.sendRequest("b", chat(LLAMA, "hi"));
        await().atMost(SOON).until(() -> chunks("a").size() >= 2 && chunks("b").size() >= 2);
        hub.sendRequest("c", chat(QWEN, "hi"));
        assertThat(hub.awaitEnd("c", SOON).get("error").textValue()).isEqualTo("ollama_unavailable");
        hub.cancel("a");
        hub.cancel("b");
        await().atMost(SOON).until(() -> ollama.openStreams() == 0);
    }

    @Test
    void requestsInFlightAreCancelledWhenTheConnectionDrops() {
        ollama.reply(FakeOllama.tokens(QWEN, many(300)), Duration.ofMillis(20));
        startAgent();
        hub.sendRequest("lost", chat(QWEN, "hi"));
        await().atMost(SOON).until(() -> !chunks("lost").isEmpty());
        hub.close(1001, "server shutting down");
        await().atMost(SOON).until(() -> ollama.closedByClient() == 1);
        ObjectNode last = hub.forRequest("lost").getLast();
        assertThat(last.path("chunk").path("done").asBoolean()).isFalse();
    }
}
