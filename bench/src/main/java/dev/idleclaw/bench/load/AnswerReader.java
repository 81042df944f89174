package dev.idleclaw.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one streamed answer body, fed in pieces as it arrives: splits it into lines in one reusable buffer and
 * classifies each by byte scans ({@link Door#classify}), noting the time of the first token and of the terminator.
 * Every content token also counts in the shared {@code tokens} adder. Reusable: {@link #start} resets it.
 */
final class AnswerReader {
    /** Initial line buffer: several events; a longer line grows it. */
    private static final int LINE_BYTES = 4096;
    /** Characters of an in-band error kept as its kind. */
    static final int ERROR_TEXT = 80;

    private final Door door;
    private final LongAdder tokens;
    private byte[] line = new byte[LINE_BYTES];
    private int length;
    private long t0, ttft, total;
    private int count;
    private String error;

    AnswerReader(Door door, LongAdder tokens) {
        this.door = door;
        this.tokens = tokens;
    }

    /** Begins a new answer whose request was sent at {@code t0} ({@link System#nanoTime()}). */
    void start(long sentNanos) {
        t0 = sentNanos;
        ttft = total = -1;
        count = length = 0;
        error = null;
    }

    /** Body bytes {@code b[off, off+len)}. */
    void feed(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; ) {
            int nl = i;
            while (nl < end && b[nl] != '\n') nl++;
            if (length == 0 && nl < end) {
                line(b, i, nl); // the whole line is in this piece: no copy
            } else {
                append(b, i, nl);
                if (nl < end) {
                    line(line, 0, length);
                    length = 0;
                }
            }
            i = nl + 1;
        }
    }

    /** True once the answer's terminator was seen. */
    boolean ended() {
        return total >= 0;
    }

    /** The outcome, once the body ended (a missing terminator is an error). */
    Outcome finish(int status) {
        if (length > 0) {
            line(line, 0, length);
            length = 0;
        }
        if (total < 0) {
            total = System.nanoTime() - t0;
            if (error == null) error = "no terminator";
        }
        return new Outcome(status, ttft, total, count, error);
    }

    private void append(byte[] b, int from, int to) {
        int n = to - from;
        if (length + n > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        System.arraycopy(b, from, line, length, n);
        length += n;
    }

    private void line(byte[] b, int from, int to) {
        if (to > from && b[to - 1] == '\r') to--;
        switch (door.classify(b, from, to)) {
            case TOKEN -> {
                if (count++ == 0) ttft = System.nanoTime() - t0;
                tokens.increment();
            }
            case END -> total = System.nanoTime() - t0;
            case ERROR -> {
                if (error == null) error = "in-band: " + errorText(new String(b, from, to - from, StandardCharsets.UTF_8));
            }
            case NONE -> { }
        }
    }

    /** The error part of an error line, without per-request ids, so equal errors count as one kind. */
    private static String errorText(String line) {
        int at = line.indexOf("[Error:");
        if (at < 0) at = line.indexOf("\"error\"");
        return oneLine(at < 0 ? line : line.substring(at));
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > ERROR_TEXT ? t.substring(0, ERROR_TEXT) : t;
    }
}
