package dev.idleclaw.ollama;

import static dev.idleclaw.ollama.ScriptedServer.Reply.keep;
import static dev.idleclaw.ollama.ScriptedServer.Reply.thenClose;
import static dev.idleclaw.ollama.ScriptedServer.chunks;
import static dev.idleclaw.ollama.ScriptedServer.ndjson;
import static dev.idleclaw.ollama.ScriptedServer.ndjsonHead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chats through {@link OllamaClient} keep their connection to Ollama only when the previous answer ended cleanly. */
@Timeout(20)
class ChatConnectionReuseTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final String TOKEN = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}";
    private static final String DONE = "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}";
    private static final String ANSWER = ndjson(TOKEN, DONE);
    private ScriptedServer server;
    private OllamaClient client;

    private void serve(BiFunction<Integer, String, ScriptedServer.Reply> script) throws Exception {
        server = new ScriptedServer(script);
        client = new OllamaClient(server.base(), SECOND, SECOND, SECOND);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private ChatCall.Outcome chat() throws OllamaException {
        return client.chat(Json.object().put("model", "m")).stream(line -> {});
    }

    @Test
    void twoChatsInARowShareOneConnection() throws Exception {
        serve((n, body) -> keep(ANSWER));
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedAndTheChatSucceeds() throws Exception {
        serve((n, body) -> thenClose(ANSWER)); // no "Connection: close": it looks reusable, then the server drops it
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.requests()).isEqualTo(3);
        assertThat(server.connections()).isEqualTo(3);
    }

    @Test
    void aChatAfterOllamaStoppedIsUnreachableNotAStaleConnectionError() throws Exception {
        serve((n, body) -> keep(ANSWER));
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        server.close();
        assertThatThrownBy(this::chat).isInstanceOfSatisfying(OllamaException.class, e -> assertThat(e.unreachable()).as(e.getMessage()).isTrue());
    }

    @Test
    void anAnswerWithConnectionCloseIsNotReused() throws Exception {
        serve((n, body) -> keep(ANSWER.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")));
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aCancelledChatClosesItsConnectionAndTheNextChatOpensANewOne() throws Exception {
        serve((n, body) -> keep(n == 0 ? ndjsonHead() + chunks(TOKEN) : ANSWER)); // the first answer stops after one token
        var call = client.chat(Json.object().put("model", "m"));
        assertThat(call.stream(line -> call.cancel())).isEqualTo(ChatCall.Outcome.CANCELLED);
        await().atMost(Duration.ofSeconds(2)).until(() -> server.closedByClient() == 1);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void cancellingFromAnotherThreadAbortsAReadOnAReusedConnection() throws Exception {
        serve((n, body) -> keep(n == 0 ? ANSWER : ndjsonHead())); // the second answer never sends a line
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        var call = client.chat(Json.object().put("model", "m"));
        var outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return call.stream(line -> {});
            } catch (OllamaException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> server.requests() == 2);
        call.cancel();
        assertThat(outcome.get()).isEqualTo(ChatCall.Outcome.CANCELLED);
        await().atMost(Duration.ofSeconds(2)).until(() -> server.closedByClient() == 1);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void anAnswerWhoseBodyNeverEndedIsNotReused() throws Exception {
        serve((n, body) -> keep(n == 0 ? ndjsonHead() + chunks(TOKEN, DONE) : ANSWER)); // done line, no terminator
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void aStreamThatFailedMidwayIsNotReused() throws Exception {
        serve((n, body) -> keep(n == 0 ? ndjson(TOKEN, "{\"error\":\"model runner crashed\"}") : ANSWER));
        assertThatThrownBy(this::chat).isInstanceOf(OllamaException.class).hasMessageContaining("runner crashed");
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void anErrorAnswerReadToItsEndKeepsTheConnection() throws Exception {
        String notFound = "{\"error\":\"model \\\"m\\\" not found, try pulling it first\"}";
        serve((n, body) -> keep(n == 0 ? "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + notFound.length() + "\r\n\r\n" + notFound : ANSWER));
        assertThatThrownBy(this::chat).isInstanceOf(OllamaException.class).hasMessageContaining("not found");
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThat(server.connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 2", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 200 OK\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n49\r\n{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n\r\n"})
    void anAnswerCutOffOnAReusedConnectionFailsWithoutARetry(String cut) throws Exception {
        serve((n, body) -> n == 0 ? keep(ANSWER) : thenClose(cut)); // part of an answer, then the server goes away
        assertThat(chat()).isEqualTo(ChatCall.Outcome.DONE);
        assertThatThrownBy(this::chat).isInstanceOf(OllamaException.class);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void concurrentChatsEachGetTheirOwnAnswerOnAtMostOneConnectionPerThread() throws Exception {
        serve((n, body) -> keep(ndjson(TOKEN.replace("\"hi\"", Json.quote(Json.text(readTree(body), "model"))), DONE)));
        int threads = 8;
        List<Future<List<String>>> results = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                String model = "m" + t;
                results.add(pool.submit(() -> {
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        client.chat(Json.object().put("model", model)).stream(line -> {
                            if (!line.path("done").asBoolean()) got.add(line.path("message").path("content").asText());
                        });
                    }
                    return got;
                }));
            }
            for (int t = 0; t < threads; t++) assertThat(results.get(t).get()).hasSize(25).containsOnly("m" + t);
        }
        assertThat(server.requests()).isEqualTo(threads * 25);
        assertThat(server.connections()).isBetween(1, threads);
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String body) {
        try {
            return Json.parse(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
