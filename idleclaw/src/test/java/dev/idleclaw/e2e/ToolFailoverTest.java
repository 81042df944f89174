package dev.idleclaw.e2e;

import static dev.idleclaw.e2e.ToolNetwork.NATIVE;
import static dev.idleclaw.e2e.ToolNetwork.search;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.json.Json;
import dev.idleclaw.server.Sse;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tool round whose node fails before its first token moves to another node, with the round's messages. */
class ToolFailoverTest {

    @Test
    void aRoundThatFailsBeforeItsFirstTokenIsRunOnAnotherNode() throws Exception {
        try (var t = new ToolNetwork(); var other = StandInOllama.start().model(StandInModel.of(NATIVE))) {
            var answer = Behaviour.defaults().withTokens("The", " answer", ".").withToolRounds(List.of(search("failover")));
            // the first node calls the tool, then fails every later run before any token
            t.ollama.behaviour(Behaviour.defaults().withPreStreamError(500, "model runner crashed"));
            t.ollama.behaviourOnce(NATIVE, answer);
            other.behaviour(answer);
            t.searx.delay(Duration.ofSeconds(2));
            var result = new java.util.concurrent.atomic.AtomicReference<String>();
            var reply = Thread.ofVirtual().start(() -> {
                try {
                    result.set(t.idleClaw(NATIVE, "Fail over").body());
                } catch (Exception e) {
                    result.set(e.toString());
                }
            });
            // the second node joins while the search runs, so the first round can only have been on the first node
            await().atMost(Duration.ofSeconds(10)).until(() -> !t.searx.queries().isEmpty());
            t.net.addNode(other);
            reply.join(Duration.ofSeconds(30));
            var sse = Sse.parse(result.get());
            assertThat(sse.content()).isEqualTo("The answer.");
            assertThat(t.chats()).hasSize(2);
            var moved = other.requests().stream().filter(r -> r.path().equals("/api/chat")).toList();
            assertThat(moved).hasSize(1);
            var messages = Json.parse(moved.getFirst().body()).path("messages");
            assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("tool");
            assertThat(messages.get(messages.size() - 1).path("content").asText()).contains("About failover");
        }
    }
}
