package dev.idleclaw.ollama;

import dev.idleclaw.ollama.ConnectionPool.Connection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST on a blocking socket with a streamed response body: the chat path's transport. The JDK
 * {@code HttpClient} hands every request and every body read across its selector and executor threads, which
 * cost the node about a millisecond before the first token (docs/benchmarks.md); a plain socket read on the
 * calling (virtual) thread costs none of that. The socket comes from {@link ConnectionPool} when one is idle and
 * goes back to it through {@link #release} when the answer was read to its end; {@link #close} from any thread
 * closes it instead and aborts a blocked read.
 */
final class HttpStream implements AutoCloseable {
    /** Ollama ends a body right after its last line; a server still sending this long after is not worth keeping. */
    static final Duration DRAIN_WAIT = Duration.ofMillis(100);
    /** Leftover body beyond this (an unread error page) costs more to read than a new connection. */
    static final int MAX_DRAIN_BYTES = 64 << 10;
    /** The socket's read buffer: a burst of NDJSON lines fits. */
    private static final int BUFFER_BYTES = 16 << 10;

    private final URI uri;
    private final ConnectionPool pool;
    private final AtomicReference<Socket> live = new AtomicReference<>();
    private volatile boolean aborted;
    private Connection connection;
    private int status;
    private HttpBody body;
    private boolean keepAlive;

    /** An exchange with {@code uri} (http or https) that nothing has been sent on yet; {@link #close} works from now on. */
    HttpStream(URI uri, ConnectionPool pool) {
        this.uri = uri;
        this.pool = pool;
    }

    /**
     * Sends {@code body} as JSON and reads the status line and headers, on an idle pooled connection or a new one.
     * {@code readTimeout} bounds every wait for bytes (the headers and each later read). A new connection that cannot
     * be made within {@code connectTimeout} fails with {@link ConnectException}. A pooled connection the server has
     * closed meanwhile fails before any answer byte; then the request goes once more on a new connection.
     */
    void open(byte[] body, String accept, Duration connectTimeout, Duration readTimeout) throws IOException {
        byte[] head = head(body.length, accept);
        Connection idle = pool.take();
        if (idle != null) {
            try {
                exchange(idle, true, head, body, readTimeout);
                return;
            } catch (Stale e) {
                pool.clear();
            }
        }
        exchange(connect(connectTimeout), false, head, body, readTimeout);
    }

    int status() {
        return status;
    }

    /** The decoded body (chunked framing removed); ends where the response ends. */
    InputStream body() {
        return body;
    }

    /**
     * Ends a completed exchange on the owning thread: reads what is left of the body (briefly and boundedly) and
     * returns the connection to the pool when the answer allows it, or closes it. Idempotent; a no-op after close.
     */
    void release() {
        Socket s = live.get();
        if (s == null) return;
        if (keepAlive && drained(s) && live.compareAndSet(s, null)) pool.give(connection);
        else drop();
    }

    /** Closes the connection (it is never reused); a read blocked in another thread fails at once. Idempotent. */
    @Override
    public void close() {
        aborted = true;
        drop();
    }

    private Connection connect(Duration timeout) throws IOException {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        attach(socket);
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
            return new Connection(socket, new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES), socket.getOutputStream());
        } catch (SocketTimeoutException | UnknownHostException e) {
            drop();
            var failure = new ConnectException("cannot connect to " + uri.getRawAuthority() + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        } catch (IOException | RuntimeException e) {
            drop();
            throw e;
        }
    }

    /** Makes {@code socket} the one {@link #close} closes; fails if close came first. */
    private void attach(Socket socket) throws IOException {
        live.set(socket);
        if (aborted) {
            drop();
            throw new SocketException("the exchange was closed");
        }
    }

    private void exchange(Connection c, boolean reused, byte[] head, byte[] body, Duration readTimeout) throws IOException {
        connection = c;
        attach(c.socket());
        var in = c.in();
        try {
            c.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            try {
                c.out().write(head);
                c.out().write(body);
                c.out().flush();
                in.mark(1); // peek at the answer's first byte: failing before it means the server had closed the connection
                if (in.read() < 0) throw new IOException("connection closed before the HTTP answer");
                in.reset();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (reused && !aborted) throw new Stale(e);
                throw e;
            }
            var answer = HttpBody.response(in);
            this.status = answer.status();
            this.body = answer.body();
            this.keepAlive = answer.keepAlive();
        } catch (NumberFormatException e) {
            drop();
            throw new IOException("malformed HTTP answer: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            drop();
            throw e;
        }
    }

    private byte[] head(int length, String accept) {
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getRawAuthority() + "\r\nContent-Type: application/json\r\nAccept: "
                + accept + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** True when the body ends within {@link #DRAIN_WAIT} and {@link #MAX_DRAIN_BYTES} and nothing follows it. */
    private boolean drained(Socket s) {
        try {
            s.setSoTimeout((int) DRAIN_WAIT.toMillis());
            var skip = new byte[4096];
            long left = MAX_DRAIN_BYTES;
            for (int n; left > 0 && (n = body.read(skip)) >= 0; ) left -= n;
            return body.ended() && connection.in().available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the current socket, if any, without marking the exchange aborted. */
    private void drop() {
        Socket s = live.getAndSet(null);
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    /** A pooled connection failed before any byte of the answer: the server had closed it. */
    private static final class Stale extends IOException {
        Stale(IOException cause) {
            super("kept-alive connection was closed by the server", cause);
        }
    }
}
