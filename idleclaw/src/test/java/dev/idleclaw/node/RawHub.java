package dev.idleclaw.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-rolled hub for failure modes a real WebSocket server will not produce: {@link Mode#RATE_LIMITED}
 * answers every upgrade with HTTP 429, {@link Mode#UNAVAILABLE} with 503 (a proxy whose hub is down);
 * {@link Mode#SILENT} completes the handshake, says {@code registered}, and then never sends another byte (not even
 * a pong), like a half-dead connection; {@link Mode#GONE_AFTER_FIRST} serves the first connection as
 * {@code SILENT} but drops it at once, then answers every later upgrade with 404 (the hub moved away);
 * {@link Mode#SHUTTING_DOWN} completes the handshake and closes with 1001 at once, sending nothing else (a hub that is
 * stopping turns nodes away so).
 */
final class RawHub implements AutoCloseable {
    enum Mode { RATE_LIMITED, UNAVAILABLE, SILENT, GONE_AFTER_FIRST, SHUTTING_DOWN }

    /** How long the first connection of {@link Mode#GONE_AFTER_FIRST} stays up after registering the node. */
    private static final long GONE_AFTER_MILLIS = 300;
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Mode mode;
    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawHub(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    String httpUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                int n = connections.get();
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String key = null;
            for (String line : headers(in)) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) key = line.substring(18).strip();
            }
            switch (mode) {
                case RATE_LIMITED -> {
                    refuse(out, "429 Too Many Requests\r\nRetry-After: 12", "{\"detail\": \"Too many requests\"}");
                    return;
                }
                case UNAVAILABLE -> {
                    refuse(out, "503 Service Unavailable", "upstream unavailable");
                    return;
                }
                case GONE_AFTER_FIRST -> {
                    if (connection > 1) {
                        refuse(out, "404 Not Found", "404 page not found");
                        return;
                    }
                }
                case SILENT, SHUTTING_DOWN -> { }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (mode == Mode.SHUTTING_DOWN) {
                byte[] reason = "server shutting down".getBytes(StandardCharsets.UTF_8);
                out.write(new byte[] {(byte) 0x88, (byte) (reason.length + 2), 0x03, (byte) 0xE9});
                out.write(reason);
                out.flush();
                return;
            }
            byte[] registered = "{\"type\":\"registered\",\"node_id\":\"silent\"}".getBytes(StandardCharsets.UTF_8);
            out.write(new byte[] {(byte) 0x81, (byte) registered.length});
            out.write(registered);
            out.flush();
            if (mode == Mode.GONE_AFTER_FIRST) {
                // Up long enough for the node to see its registration (a close right behind it can overtake it).
                Thread.sleep(GONE_AFTER_MILLIS);
                return;
            }
            in.transferTo(OutputStream.nullOutputStream()); // read and ignore everything, answer nothing
        } catch (Exception e) {
            // the node went away: fine
        }
    }

    private static void refuse(OutputStream out, String statusAndHeaders, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static List<String> headers(InputStream in) throws IOException {
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) break;
        }
        return List.of(sb.toString().split("\r\n"));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
    }
}
