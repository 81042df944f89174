package dev.idleclaw.ollama;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST on its own blocking socket with a streamed response body: the chat path's transport. The JDK
 * {@code HttpClient} hands every request and every body read across its selector and executor threads, which
 * cost the node about a millisecond before the first token (docs/benchmarks.md); a plain socket read on the
 * calling (virtual) thread costs none of that. Closing the stream from any thread aborts a blocked read.
 */
final class HttpStream implements AutoCloseable {
    /** Ollama's headers are a few hundred bytes; more than this is not Ollama. */
    private static final int MAX_HEADER_BYTES = 64 << 10;

    private final URI uri;
    private final Socket socket;
    private int status;
    private InputStream body;

    /** An unconnected exchange with {@code uri} (http or https); {@link #close} works from now on. */
    HttpStream(URI uri) throws IOException {
        this.uri = uri;
        this.socket = "https".equalsIgnoreCase(uri.getScheme()) ? SSLSocketFactory.getDefault().createSocket() : new Socket();
    }

    /**
     * Connects, sends {@code body} as JSON and reads the status line and headers. {@code readTimeout} bounds every
     * wait for bytes (the headers and each later read). A connection that cannot be made within
     * {@code connectTimeout} fails with {@link ConnectException}.
     */
    void open(byte[] body, String accept, Duration connectTimeout, Duration readTimeout) throws IOException {
        int port = uri.getPort() > 0 ? uri.getPort() : socket instanceof javax.net.ssl.SSLSocket ? 443 : 80;
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) connectTimeout.toMillis());
        } catch (SocketTimeoutException | UnknownHostException e) {
            close();
            var failure = new ConnectException("cannot connect to " + uri.getRawAuthority() + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getRawAuthority()
                    + "\r\nContent-Type: application/json\r\nAccept: " + accept
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            var in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x answer: " + statusLine);
            status = Integer.parseInt(parts[1]);
            boolean chunked = false;
            long length = -1;
            int headerBytes = statusLine.length();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER_BYTES) throw new IOException("response headers over " + MAX_HEADER_BYTES + " bytes");
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
                if (name.equals("content-length")) length = Long.parseLong(value);
            }
            this.body = chunked ? new Chunked(in) : length >= 0 ? new Bounded(in, length) : in;
        } catch (NumberFormatException e) {
            close();
            throw new IOException("malformed HTTP answer: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    int status() {
        return status;
    }

    /** The decoded body (chunked framing removed); ends where the response ends. */
    InputStream body() {
        return body;
    }

    /** Closes the connection; a read blocked in another thread fails at once. Idempotent. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    /** One CRLF- (or LF-) terminated header line, without the terminator. */
    private static String line(InputStream in) throws IOException {
        var b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new IOException("connection closed inside the HTTP headers");
            if (c != '\r') b.write(c);
            if (b.size() > MAX_HEADER_BYTES) throw new IOException("HTTP header line too long");
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A {@code Transfer-Encoding: chunked} body. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + size);
                }
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new IOException("connection closed inside a chunk");
            left -= n;
            if (left == 0) line(in); // the CRLF after the chunk data
            return n;
        }
    }

    /** A body of known {@code Content-Length}. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) return -1;
            left -= n;
            return n;
        }
    }
}
