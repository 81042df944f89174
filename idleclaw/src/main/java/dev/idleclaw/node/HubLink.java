package dev.idleclaw.node;

import dev.idleclaw.wire.WireLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to a hub, on the JDK client. Inbound text parts are joined until {@code last} and
 * handed to the consumer whole; a message larger than the node advertised ({@code maxInboundBytes}) drops the link. Outbound frames go through one lock,
 * because the JDK WebSocket forbids overlapping sends, and every send is bounded by the send timeout: a link
 * that cannot take a frame in that time is aborted. {@link #closed()} completes on the peer's close frame, an
 * error or an abort, whichever comes first.
 */
final class HubLink implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(HubLink.class);
    /** How the connection ended; {@code code} 1006 means no close frame (error or abort). */
    record Closed(int code, String reason) {}

    /** Upgrade header asking the hub for an {@code auth_challenge} (docs/protocol.md "Node authentication"). */
    static final String AUTH_HEADER = "X-IdleClaw-Auth";
    static final String AUTH_SCHEME = "ed25519-v1";
    /** Close code for "no close frame was received". */
    static final int ABNORMAL = 1006;
    /** A live hub answers a close frame at once; a dead one must not hold up shutdown for long. */
    static final Duration CLOSE_REPLY_WAIT = Duration.ofSeconds(2);

    private final Duration sendTimeout;
    private final Consumer<String> inbound;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder parts = new StringBuilder();
    private long partBytes;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile WebSocket ws;

    private final int maxInboundBytes;

    private HubLink(Duration sendTimeout, int maxInboundBytes, Consumer<String> inbound) {
        this.sendTimeout = sendTimeout;
        this.maxInboundBytes = maxInboundBytes;
        this.inbound = inbound;
    }

    /**
     * Opens the connection ({@code authenticate}: ask for a challenge); a refused upgrade or a failed connect becomes a
     * {@link ConnectFailure} saying what happened and whether retrying can help.
     */
    static HubLink open(HttpClient http, URI url, Duration timeout, boolean authenticate, Consumer<String> inbound) throws ConnectFailure {
        return open(http, url, timeout, WireLimits.MAX_HUB_MESSAGE_BYTES - 1, authenticate, inbound);
    }

    /** As {@link #open(HttpClient, URI, Duration, boolean, Consumer)}, reading hub messages of up to {@code maxInboundBytes}. */
    static HubLink open(HttpClient http, URI url, Duration timeout, int maxInboundBytes, boolean authenticate,
                        Consumer<String> inbound) throws ConnectFailure {
        var link = new HubLink(timeout, maxInboundBytes, inbound);
        try {
            var builder = http.newWebSocketBuilder().connectTimeout(timeout);
            if (authenticate) builder.header(AUTH_HEADER, AUTH_SCHEME);
            link.ws = builder.buildAsync(url, link)
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return link;
        } catch (ExecutionException e) {
            throw ConnectFailure.of(e.getCause(), url.getHost());
        } catch (TimeoutException e) {
            throw new ConnectFailure("no WebSocket handshake within " + NodeTimings.text(timeout), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectFailure("interrupted while connecting", false, e);
        }
    }

    /**
     * Sends one text frame unless {@code stillWanted} is false when the lock is held (so a cancelled request's
     * chunk is never sent after its cancel was processed). False when nothing was sent.
     */
    boolean send(String text, BooleanSupplier stillWanted) {
        return locked(() -> stillWanted.getAsBoolean() ? ws.sendText(text, true) : null);
    }

    boolean send(String text) {
        return send(text, () -> true);
    }

    /** A ping: the hub's pong proves the link is alive even when it sends nothing else. */
    void ping() {
        locked(() -> ws.sendPing(ByteBuffer.allocate(0)));
    }

    /** Closes with a close frame and waits (bounded) for the peer's answer, then aborts whatever is left. */
    void close(int code, String reason) {
        if (!closed.isDone()) {
            locked(() -> ws.sendClose(code, reason));
            try {
                closed.get(Math.min(sendTimeout.toMillis(), CLOSE_REPLY_WAIT.toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ignored) {
                // the peer did not answer: abort below
            }
        }
        abort("closed by the node");
    }

    /** Drops the TCP connection at once. */
    void abort(String why) {
        closed.complete(new Closed(ABNORMAL, why));
        var w = ws;
        if (w != null) w.abort();
    }

    CompletableFuture<Closed> closed() {
        return closed;
    }

    long lastInboundNanos() {
        return lastInboundNanos;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastInboundNanos = System.nanoTime();
        partBytes += utf8Length(data);
        if (partBytes > maxInboundBytes) {
            abort("the hub sent a message over " + maxInboundBytes + " bytes, the size this node advertised");
            return null;
        }
        parts.append(data);
        if (last) {
            String text = parts.toString();
            parts.setLength(0);
            partBytes = 0;
            try {
                inbound.accept(text);
            } catch (RuntimeException e) {
                log.warn("handling a hub message failed: {}", e.toString());
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastInboundNanos = System.nanoTime();
        Thread.ofVirtual().start(() -> close(1003, "binary frames are not supported"));
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime(); // the JDK answers with a pong by itself
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null; // the JDK echoes the close frame
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Closed(ABNORMAL, String.valueOf(error)));
    }

    private boolean locked(java.util.function.Supplier<CompletableFuture<WebSocket>> action) {
        var socket = ws;
        if (socket == null || socket.isOutputClosed()) return false;
        try {
            if (!sendLock.tryLock(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                abort("a send waited more than " + NodeTimings.text(sendTimeout));
                return false;
            }
            try {
                var sent = action.get();
                if (sent == null) return false;
                sent.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } finally {
                sendLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            abort("send failed: " + e);
            return false;
        }
    }

    /** UTF-8 size of {@code s} without encoding it. */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
