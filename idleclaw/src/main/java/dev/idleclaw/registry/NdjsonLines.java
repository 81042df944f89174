package dev.idleclaw.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into the lines of NDJSON as the bytes arrive, in whatever pieces the network brings them: a line
 * split over two reads is joined, a read holding many lines yields each. The bytes of an unfinished line are kept up to
 * a bound; a longer line is the sender's fault ({@link TooLong}). Lines are decoded as UTF-8, a malformed sequence
 * becoming U+FFFD (the JSON parser then judges the line). Not thread-safe: one reader feeds it.
 */
final class NdjsonLines {
    /** First size of the buffer holding an unfinished line: one streamed chunk line. */
    private static final int INITIAL_BYTES = 512;
    /** A buffer grown beyond this for one long line is given back after it: most lines are a token's. */
    private static final int KEPT_BYTES = 64 << 10;

    /** What receives each complete line (without its line end; a {@code \r} before the {@code \n} is dropped too). */
    interface Sink {
        /** Takes one line; false stops the feeding (the rest of the bytes are left in the buffer given). */
        boolean line(String line) throws IOException;
    }

    /** A line longer than the bound. */
    static final class TooLong extends IOException {
        TooLong(int max) {
            super("a line longer than " + max + " bytes");
        }
    }

    private final int maxLineBytes;
    private byte[] partial = new byte[INITIAL_BYTES];
    private int length;

    NdjsonLines(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Feeds {@code bytes} (consumed up to where the sink stopped, or wholly), passing each line it completes to {@code sink}. */
    void feed(ByteBuffer bytes, Sink sink) throws IOException {
        while (bytes.hasRemaining()) {
            int start = bytes.position(), end = bytes.limit(), newline = -1;
            for (int i = start; i < end; i++) {
                if (bytes.get(i) == '\n') {
                    newline = i;
                    break;
                }
            }
            int upTo = newline < 0 ? end : newline;
            append(bytes, start, upTo);
            bytes.position(newline < 0 ? end : newline + 1);
            if (newline < 0) return;
            int n = length > 0 && partial[length - 1] == '\r' ? length - 1 : length;
            String line = new String(partial, 0, n, StandardCharsets.UTF_8);
            length = 0;
            if (partial.length > KEPT_BYTES) partial = new byte[INITIAL_BYTES];
            if (!sink.line(line)) return;
        }
    }

    /** Whether bytes of an unfinished line are held (a stream ending now ends mid-line). */
    boolean midLine() {
        return length > 0;
    }

    private void append(ByteBuffer bytes, int from, int to) throws TooLong {
        int n = to - from;
        if (n == 0) return;
        if (length + n > maxLineBytes) throw new TooLong(maxLineBytes);
        if (length + n > partial.length) partial = Arrays.copyOf(partial, Math.min(maxLineBytes, Math.max(partial.length * 2, length + n)));
        bytes.get(from, partial, length, n);
        length += n;
    }
}
