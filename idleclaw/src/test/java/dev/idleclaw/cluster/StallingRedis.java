package dev.idleclaw.cluster;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in Redis speaking just enough RESP for a client's handshake and PING (HELLO is refused, so the client falls
 * back to RESP2; PING answers PONG, anything else OK) that can be told to stop answering, as a hung Redis does, while
 * keeping its connections open: what only a timeout can catch.
 */
final class StallingRedis implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;

    StallingRedis() throws IOException {
        Thread.ofVirtual().name("stalling-redis").start(this::acceptLoop);
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** Whether commands go unanswered from now on (on every connection, old and new). */
    void stall(boolean stalled) {
        this.stalled = stalled;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                List<String> command = readCommand(in);
                if (command == null) return;
                if (stalled) continue;
                String name = command.isEmpty() ? "" : command.getFirst().toUpperCase();
                String reply = switch (name) {
                    case "HELLO" -> "-ERR unknown command 'HELLO'\r\n";
                    case "PING" -> "+PONG\r\n";
                    default -> "+OK\r\n";
                };
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One RESP array of bulk strings, or null at the end of the stream. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = line(in);
        if (header == null) return null;
        if (!header.startsWith("*")) throw new IOException("not a RESP array: " + header);
        int n = Integer.parseInt(header.substring(1));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String len = line(in);
            if (len == null || !len.startsWith("$")) throw new IOException("not a bulk string: " + len);
            byte[] data = in.readNBytes(Integer.parseInt(len.substring(1)) + 2);
            parts.add(new String(data, 0, data.length - 2, StandardCharsets.UTF_8));
        }
        return parts;
    }

    private static String line(InputStream in) throws IOException {
        var b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') return b.toString().stripTrailing();
            b.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
    }
}
