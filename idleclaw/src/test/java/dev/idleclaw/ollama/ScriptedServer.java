package dev.idleclaw.ollama;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that reads requests one after another on every connection it accepts (as a
 * keep-alive server does) and answers each with the bytes its script gives for that request. It counts accepted
 * connections, requests, and connections the client closed.
 */
final class ScriptedServer implements AutoCloseable {
    /** The bytes to write for one request, and whether to close the connection after them. */
    record Reply(String bytes, boolean closeAfter) {
        static Reply keep(String bytes) {
            return new Reply(bytes, false);
        }

        static Reply thenClose(String bytes) {
            return new Reply(bytes, true);
        }
    }

    private final ServerSocket server;
    private final BiFunction<Integer, String, Reply> script;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** {@code script} gets the request's number (from 0, over all connections) and its body. */
    ScriptedServer(BiFunction<Integer, String, Reply> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    /** The chat endpoint's base URL, no trailing slash. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int connections() {
        return connections.get();
    }

    int requests() {
        return requests.get();
    }

    int closedByClient() {
        return closedByClient.get();
    }

    /** Stops listening and closes every connection, as a stopped Ollama does. */
    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(); // the listening socket is only released once the thread blocked in accept has left it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : open) s.close();
    }

    /** A {@code 200} NDJSON answer, one chunk per line, with its terminator. */
    static String ndjson(String... lines) {
        return ndjsonHead() + chunks(lines) + "0\r\n\r\n";
    }

    static String ndjsonHead() {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n";
    }

    /** Each line as one chunk, with its newline. */
    static String chunks(String... lines) {
        var out = new StringBuilder();
        for (String line : lines) {
            int bytes = line.getBytes(StandardCharsets.UTF_8).length + 1;
            out.append(Integer.toHexString(bytes)).append("\r\n").append(line).append("\n\r\n");
        }
        return out.toString();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException stopped) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            while (true) {
                String head = head(in);
                if (head == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                Reply reply = script.apply(requests.getAndIncrement(), body);
                s.getOutputStream().write(reply.bytes().getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                if (reply.closeAfter()) return;
            }
        } catch (IOException e) {
            closedByClient.incrementAndGet(); // a reset: the client closed with bytes unread
        }
    }

    /** The request head, or null when the client closed the connection before sending one. */
    private static String head(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) return null;
            head.append((char) c);
        }
        return head.toString();
    }
}
