package dev.idleclaw.bench.fleet;

import dev.idleclaw.bench.nio.Loop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated node on a non-blocking socket, driven by the fleet's {@link Loop}: the WebSocket handshake, then
 * {@code register} (an authenticating node asks for a challenge on the upgrade and registers when it arrives),
 * then the hub's messages (found by string scan) handed to the fleet. Output is buffered and
 * written once per loop round. Every method runs on the loop thread.
 */
final class FleetNode implements Loop.Handler, Loop.Flushable {
    /** Starting buffer sizes: an idle node holds little; a larger message grows them. */
    private static final int IN_BYTES = 1024, OUT_BYTES = 512;
    /** Unsent output beyond this means the hub stopped reading: give the node up. */
    private static final int MAX_OUT_BYTES = 8 << 20;

    private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSED }

    final String nodeId;
    /** This node's key when the fleet authenticates, else null (an anonymous node). */
    final Signer signer;
    int active;
    boolean registered;
    /** Which of the fleet's nodes this is (a reconnected node keeps its predecessor's), and which hub it dials. */
    int index, target;
    /** A reconnection of an earlier node (it does not count against the initial connect storm). */
    boolean retry;
    private final Fleet fleet;
    private final Loop loop;
    private State state = State.CONNECTING;
    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(IN_BYTES), out = ByteBuffer.allocate(OUT_BYTES);
    private ByteArrayOutputStream fragments;
    private boolean flushQueued;
    private int maskKey = ThreadLocalRandom.current().nextInt();

    FleetNode(Fleet fleet, Loop loop, String nodeId, Signer signer) {
        this.fleet = fleet;
        this.loop = loop;
        this.nodeId = nodeId;
        this.signer = signer;
    }

    /** Opens the connection to {@code address}, from {@code source} when not null. */
    void connect(InetSocketAddress source, InetSocketAddress address, String host, String path) {
        try {
            channel = SocketChannel.open();
            if (source != null) channel.bind(source);
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            key = loop.register(channel, SelectionKey.OP_CONNECT, this);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            out.put(Frames.ascii("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + (signer == null ? "" : Frames.AUTH_UPGRADE_HEADER)
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            if (channel.connect(address)) connected();
        } catch (IOException e) {
            lost("connect: " + e.getMessage());
        }
    }

    boolean open() {
        return state == State.OPEN;
    }

    boolean handshaking() {
        return state == State.CONNECTING || state == State.HANDSHAKE;
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable() && channel.finishConnect()) connected();
            if (k.isValid() && k.isReadable()) read();
            if (k.isValid() && k.isWritable()) flush();
        } catch (IOException | RuntimeException e) {
            lost((state == State.OPEN ? "" : "connect: ") + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void connected() {
        state = State.HANDSHAKE;
        key.interestOps(SelectionKey.OP_READ);
        flush();
    }

    /** Queues one text message. */
    void send(byte[]... parts) {
        sendFrame(WsCodec.TEXT, parts);
    }

    private void sendFrame(int opcode, byte[]... parts) {
        if (state == State.CLOSED) return;
        int length = 0;
        for (byte[] p : parts) length += p.length;
        int need = WsCodec.frameSize(length);
        if (out.remaining() < need) {
            if (out.position() + need > MAX_OUT_BYTES) {
                lost("send buffer overflow (the hub stopped reading)");
                return;
            }
            out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need)).put(out.flip());
        }
        maskKey = maskKey * 1_103_515_245 + 12_345;
        WsCodec.write(out, opcode, maskKey, parts);
        if (!flushQueued) {
            flushQueued = true;
            loop.dirty(this);
        }
    }

    @Override
    public void flush() {
        flushQueued = false;
        if (state == State.CLOSED || state == State.CONNECTING || out.position() == 0) return;
        try {
            out.flip();
            channel.write(out);
            out.compact();
            key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            lost("write: " + e.getMessage());
        }
    }

    private void read() throws IOException {
        if (!in.hasRemaining()) in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
        int n = channel.read(in);
        if (n < 0) {
            lost(state == State.OPEN ? "connection closed without a close frame" : "connect: closed during the handshake");
            return;
        }
        in.flip();
        try {
            if (state == State.HANDSHAKE && !handshake()) return;
            while (state == State.OPEN) {
                WsCodec.Header h = WsCodec.header(in);
                if (h == null) break;
                if (h.frameLength() > in.remaining()) {
                    if (h.frameLength() > in.capacity()) in = ByteBuffer.allocate(h.frameLength()).put(in).flip();
                    break;
                }
                frame(h, WsCodec.payload(in, h));
            }
        } finally {
            in.compact();
        }
    }

    /** Consumes the HTTP 101 answer; false while it is incomplete. */
    private boolean handshake() {
        String text = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) return false;
        if (!text.startsWith("HTTP/1.1 101")) {
            lost("connect: upgrade refused: " + text.lines().findFirst().orElse(""));
            return false;
        }
        in.position(in.position() + end + 4);
        state = State.OPEN;
        fleet.connected(this);
        if (signer == null) send(fleet.registerFrame(nodeId, null)); // else register answers the hub's challenge
        return true;
    }

    private void frame(WsCodec.Header h, byte[] payload) {
        switch (h.opcode()) {
            case WsCodec.TEXT, WsCodec.CONTINUATION -> {
                if (h.fin() && fragments == null) {
                    fleet.message(this, new String(payload, StandardCharsets.UTF_8));
                    return;
                }
                if (fragments == null) fragments = new ByteArrayOutputStream();
                fragments.writeBytes(payload);
                if (h.fin()) {
                    fleet.message(this, fragments.toString(StandardCharsets.UTF_8));
                    fragments = null;
                }
            }
            case WsCodec.PING -> sendFrame(WsCodec.PONG, payload);
            case WsCodec.CLOSE -> {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                sendFrame(WsCodec.CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                flush();
                lost("closed by the hub: " + code + " " + reason);
            }
            default -> { } // pongs and anything else
        }
    }

    /** Sends a close frame (normal closure); the hub answers and closes. */
    void close() {
        if (state != State.OPEN) return;
        sendFrame(WsCodec.CLOSE, new byte[] {0x03, (byte) 0xe8});
        flush();
    }

    /** The connection is over, for {@code why}; tells the fleet once. */
    void lost(String why) {
        if (state == State.CLOSED) return;
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // gone anyway
        }
        fleet.lost(this, wasOpen, why);
    }
}
