package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.StandInNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A consumer that stops reading for a while, within its buffer: nothing lost, nothing reordered, the node unharmed. */
class SlowConsumerTest {
    /** Chunks the node sends: 11 MB, more than the socket buffers hold (4 MB at most here) while the consumer does not read. */
    private static final int CHUNKS = 400;

    @Test
    void aConsumerThatFallsBehindAndCatchesUpGetsEveryChunkInOrder() throws Exception {
        try (var hub = HubFixture.start(c -> {
            c.relayBufferChunks = 1_000;
            c.maxResponseChars = 500_000_000;
        }); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var sent = new java.util.concurrent.CompletableFuture<Void>();
            node.onRequest(req -> {
                String id = req.path("request_id").asText();
                for (int i = 0; i < CHUNKS; i++) node.content(id, ("<" + i + ">").repeat(6_000));
                node.done(id);
                sent.complete(null);
            });
            try (var consumer = new Socket()) {
                consumer.setReceiveBufferSize(32 * 1024);
                consumer.connect(new InetSocketAddress("127.0.0.1", hub.port()));
                String body = ask("m:1", "flood");
                consumer.getOutputStream().write(("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                // The node sends it all while the consumer reads nothing: the hub holds what the socket cannot take.
                sent.get(30, java.util.concurrent.TimeUnit.SECONDS);
                Thread.sleep(200);
                String answer = readAll(consumer.getInputStream());
                String content = Sse.parse(answer.substring(answer.indexOf("\r\n\r\n") + 4).replaceAll("\r\n[0-9a-f]+\r\n", "")).content();
                var expected = new StringBuilder();
                for (int i = 0; i < CHUNKS; i++) expected.append(("<" + i + ">").repeat(6_000));
                assertThat(content).isEqualTo(expected.toString());
                assertThat(answer).contains("data: [DONE]");
            }
            assertThat(hub.hub.scheduler().reputation(HubTestSupport.link(hub, node))).isEqualTo(0.5);
        }
    }

    private static String readAll(InputStream in) throws Exception {
        var out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
