package dev.idleclaw.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bare WebSocket client over a plain socket that does only what it is told: in particular it never answers
 * pings, which the JDK client always does.
 */
final class RawWebSocket implements AutoCloseable {
    /** Opcodes from RFC 6455. */
    static final int TEXT = 0x1, CLOSE = 0x8, PING = 0x9;

    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawWebSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        out.write(("GET /ws/node HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        in = new DataInputStream(socket.getInputStream());
        String status = readLine(in);
        if (!status.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + status);
        while (!readLine(in).isEmpty()) {
            // skip headers
        }
    }

    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(0x80 | TEXT);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        for (int i = 0; i < payload.length; i++) out.write(payload[i] ^ mask[i % 4]);
        out.flush();
    }

    /** The next frame from the server, or null when the connection ended. */
    Frame read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) return null;
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = (int) in.readLong();
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    private static String readLine(InputStream in) throws IOException {
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
