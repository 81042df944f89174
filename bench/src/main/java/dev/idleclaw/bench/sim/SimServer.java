package dev.idleclaw.bench.sim;

import dev.idleclaw.bench.nio.Loop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A simulated Ollama for direct baselines at fleet scale: Ollama's streamed NDJSON {@code POST /api/chat} with the
 * fleet's own token timing (one {@link Loop}: selector and timers), so a direct run differs from a run through the
 * hub only by the hub. The test kit's stand-in is protocol-faithful but spends a virtual thread and a JSON
 * encoder per token, which saturates one core at about 23,000 tokens/s; this serves 50,000 on a fraction of one.
 */
public final class SimServer implements AutoCloseable {
    /** Connections waiting to be accepted: a consumer storm must not see refused connects. */
    private static final int BACKLOG = 4096;

    final SimAnswers answers;
    final Loop loop = new Loop("ollama-sim");
    private final ServerSocketChannel server;

    private SimServer(int port, SimAnswers answers) {
        this.answers = answers;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("127.0.0.1", port), BACKLOG);
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loop.execute(() -> {
            try {
                loop.register(server, SelectionKey.OP_ACCEPT, key -> accept());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Starts on 127.0.0.1:{@code port} (0 = ephemeral), answering with {@code tokens} pieces at {@code delayMillis}. */
    public static SimServer start(int port, String model, int tokens, long delayMillis) {
        return new SimServer(port, new SimAnswers(model, tokens, delayMillis));
    }

    public String baseUrl() {
        try {
            return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        try {
            for (SocketChannel c; (c = server.accept()) != null; ) {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                var conn = new SimConnection(this, c);
                conn.key = loop.register(c, SelectionKey.OP_READ, conn);
            }
        } catch (IOException e) {
            System.err.println("ollama-sim: accept failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        loop.close();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
