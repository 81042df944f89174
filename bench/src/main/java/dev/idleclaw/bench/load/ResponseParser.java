package dev.idleclaw.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 response parsed incrementally as bytes arrive: status line and headers, then a chunked,
 * fixed-length or read-until-close body whose bytes go to an {@link AnswerReader}. Reusable: {@link #reset}.
 */
final class ResponseParser {
    /** Largest response head accepted. */
    private static final int MAX_HEAD = 16 * 1024;

    private enum State { HEAD, SIZE, DATA, DATA_END, TRAILER, LENGTH, UNTIL_CLOSE, DONE }

    private final StringBuilder head = new StringBuilder();
    private final StringBuilder sizeLine = new StringBuilder();
    private State state;
    private long left;
    private int status;
    private boolean close;

    ResponseParser() {
        reset();
    }

    void reset() {
        state = State.HEAD;
        head.setLength(0);
        sizeLine.setLength(0);
        status = 0;
        close = false;
    }

    /** 0 until the head is complete. */
    int status() {
        return status;
    }

    /** The server will close the connection after this response (or it has no length). */
    boolean closeAfter() {
        return close;
    }

    boolean headDone() {
        return state != State.HEAD;
    }

    boolean done() {
        return state == State.DONE;
    }

    /** Consumes what it can of {@code in} (read mode); body bytes go to {@code body} once the head is in. */
    void feed(ByteBuffer in, AnswerReader body) {
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case HEAD -> {
                    head.append((char) (in.get() & 0xff));
                    int n = head.length();
                    if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n') parseHead();
                    else if (n > MAX_HEAD) throw new IllegalStateException("response head over " + MAX_HEAD + " bytes");
                    if (status != 0 && status != 200) return; // the caller reads the error text itself
                }
                case SIZE, TRAILER -> {
                    byte b = in.get();
                    if (b != '\n') {
                        if (b != '\r') sizeLine.append((char) b);
                        continue;
                    }
                    String line = sizeLine.toString();
                    sizeLine.setLength(0);
                    if (state == State.TRAILER) {
                        if (line.isEmpty()) state = State.DONE;
                        continue;
                    }
                    int semi = line.indexOf(';');
                    left = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).strip(), 16);
                    state = left == 0 ? State.TRAILER : State.DATA;
                }
                case DATA, LENGTH, UNTIL_CLOSE -> {
                    int n = (int) Math.min(left, in.remaining());
                    body.feed(in.array(), in.arrayOffset() + in.position(), n);
                    in.position(in.position() + n);
                    left -= n;
                    if (left == 0) state = state == State.DATA ? State.DATA_END : State.DONE;
                }
                case DATA_END -> {
                    if (in.get() == '\n') state = State.SIZE;
                }
                case DONE -> { }
            }
        }
    }

    /** The connection ended: a read-until-close body is complete; anything else was cut. */
    boolean eof() {
        if (state == State.UNTIL_CLOSE) state = State.DONE;
        return state == State.DONE;
    }

    private void parseHead() {
        String[] lines = head.toString().split("\r\n");
        status = Integer.parseInt(lines[0].split(" ", 3)[1]);
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("transfer-encoding:") && l.contains("chunked")) chunked = true;
            else if (l.startsWith("content-length:")) length = Long.parseLong(l.substring(15).strip());
            else if (l.startsWith("connection:") && l.contains("close")) close = true;
        }
        if (chunked) {
            state = State.SIZE;
        } else if (length >= 0) {
            left = length;
            state = length == 0 ? State.DONE : State.LENGTH;
        } else {
            left = Long.MAX_VALUE;
            state = State.UNTIL_CLOSE;
            close = true;
        }
    }

    /** Up to {@code max} bytes of {@code in} as text (for error bodies). */
    static String text(ByteBuffer in, int max) {
        int n = Math.min(max, in.remaining());
        return new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
    }
}
