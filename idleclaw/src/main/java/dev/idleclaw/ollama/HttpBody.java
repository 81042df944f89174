package dev.idleclaw.ollama;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A response body decoded from its HTTP/1.1 framing. {@link #ended()} says whether the framing's end was read, i.e.
 * whether the connection is positioned at the next response and could carry another exchange.
 */
abstract class HttpBody extends InputStream {
    /** Ollama's headers and chunk-size lines are a few hundred bytes; more than this (per line or in all) is not Ollama. */
    static final int MAX_LINE_BYTES = 64 << 10;

    /** An answer's status, whether its connection may carry another exchange, and its body. */
    record Response(int status, boolean keepAlive, HttpBody body) {}

    /**
     * Reads the status line and headers from {@code in}. Only an HTTP/1.1 answer with a framed body (chunked or
     * {@code Content-Length}) and without {@code Connection: close} leaves its connection reusable.
     */
    static Response response(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.x answer: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        boolean chunked = false;
        boolean close = !parts[0].equals("HTTP/1.1");
        long length = -1;
        int headerBytes = statusLine.length();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length();
            if (headerBytes > MAX_LINE_BYTES) throw new IOException("response headers over " + MAX_LINE_BYTES + " bytes");
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (name.equals("transfer-encoding") && value.contains("chunked")) chunked = true;
            if (name.equals("content-length")) length = Long.parseLong(value);
            if (name.equals("connection") && value.contains("close")) close = true;
        }
        HttpBody body = chunked ? new Chunked(in) : length >= 0 ? new Bounded(in, length) : new UntilClose(in);
        return new Response(status, !close && !(body instanceof UntilClose), body);
    }

    /** True once the body's last byte and its framing (a chunked body's terminator) have been read. */
    abstract boolean ended();

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** One CRLF- (or LF-) terminated line, without the terminator. */
    static String line(InputStream in) throws IOException {
        var b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new IOException("connection closed inside the HTTP headers");
            if (c != '\r') b.write(c);
            if (b.size() > MAX_LINE_BYTES) throw new IOException("HTTP header line too long");
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * A {@code Transfer-Encoding: chunked} body. A chunk's data is handed out as soon as it arrives: the CRLF after it
     * is read before the next chunk's size, since some servers (Jetty) send that CRLF only with the next chunk.
     */
    static final class Chunked extends HttpBody {
        private final InputStream in;
        private long left;
        private boolean crlfOwed;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        boolean ended() {
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (len == 0) return 0;
            if (left == 0) {
                if (crlfOwed && !line(in).isEmpty()) throw new IOException("chunk data longer than its size");
                String size = line(in);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size: " + size);
                }
                crlfOwed = true;
                if (left == 0) {
                    while (!line(in).isEmpty()) {
                        // trailer fields: Ollama sends none, and none of them matter here
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new IOException("connection closed inside a chunk");
            left -= n;
            return n;
        }
    }

    /** A body of known {@code Content-Length}. */
    static final class Bounded extends HttpBody {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        boolean ended() {
            return left == 0;
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

    /** A body without framing: it ends when the server closes the connection, which therefore cannot be reused. */
    static final class UntilClose extends HttpBody {
        private final InputStream in;

        UntilClose(InputStream in) {
            this.in = in;
        }

        @Override
        boolean ended() {
            return false;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }
    }
}
