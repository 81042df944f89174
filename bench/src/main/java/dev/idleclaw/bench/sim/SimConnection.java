package dev.idleclaw.bench.sim;

import dev.idleclaw.bench.nio.Loop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One client connection of the {@link SimServer}: reads a request (head and Content-Length body), answers it,
 * and for {@code POST /api/chat} streams a token every D ms on the loop's timers, then waits for the next request
 * (keep-alive). Output is written once per loop round. Loop thread only.
 */
final class SimConnection implements Loop.Handler, Loop.Flushable {
    /** Largest request accepted: head plus body (chat bodies are small). */
    private static final int MAX_REQUEST = 1 << 20;

    private final SimServer server;
    private final SimAnswers answers;
    private final SocketChannel channel;
    SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocate(4096), out = ByteBuffer.allocate(4096);
    private boolean streaming, closed, flushQueued;
    private long bodyLeft = -1;
    private String route;
    private int sent;
    private long started;

    SimConnection(SimServer server, SocketChannel channel) {
        this.server = server;
        this.answers = server.answers;
        this.channel = channel;
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isReadable()) read();
            if (k.isValid() && k.isWritable()) flush();
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    private void read() throws IOException {
        if (!in.hasRemaining()) {
            if (in.capacity() >= MAX_REQUEST) throw new IOException("request too large");
            in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
        }
        if (channel.read(in) < 0) {
            close();
            return;
        }
        while (!streaming && request()) {
            // one request per pass; keep-alive clients send the next only after the answer
        }
    }

    /** Takes one complete request from the input, if there is one, and answers it. */
    private boolean request() {
        in.flip();
        try {
            if (bodyLeft < 0) {
                String text = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) return false;
                in.position(in.position() + end + 4);
                String[] lines = text.substring(0, end).split("\r\n");
                String[] first = lines[0].split(" ");
                route = first[0] + " " + (first.length > 1 ? first[1] : "/");
                bodyLeft = 0;
                for (String l : lines) {
                    String lower = l.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) bodyLeft = Long.parseLong(lower.substring(15).strip());
                }
            }
            int skip = (int) Math.min(bodyLeft, in.remaining());
            in.position(in.position() + skip);
            bodyLeft -= skip;
            if (bodyLeft > 0) return false;
            bodyLeft = -1;
            answer(route);
            return true;
        } finally {
            in.compact();
        }
    }

    private void answer(String route) {
        switch (route) {
            case "POST /api/chat" -> {
                streaming = true;
                sent = 0;
                started = System.nanoTime();
                write(answers.streamHead);
                if (answers.delayNanos == 0) step();
                else server.loop.schedule(answers.delayNanos, this::step);
            }
            case "GET /api/tags" -> write(answers.tags);
            default -> write(answers.notFound);
        }
    }

    private void step() {
        if (closed) return;
        if (answers.delayNanos == 0) {
            while (sent < answers.tokens) token();
        } else if (sent < answers.tokens) {
            token();
        }
        if (sent < answers.tokens) {
            server.loop.schedule(started + (sent + 1) * answers.delayNanos - System.nanoTime(), this::step);
            return;
        }
        write(answers.doneChunks);
        streaming = false;
        request(); // a pipelined request may be waiting
    }

    private void token() {
        write(answers.tokenChunk);
        sent++;
    }

    private void write(byte[] bytes) {
        if (out.remaining() < bytes.length) out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes.length)).put(out.flip());
        out.put(bytes);
        if (!flushQueued) {
            flushQueued = true;
            server.loop.dirty(this);
        }
    }

    @Override
    public void flush() {
        flushQueued = false;
        if (closed) return;
        try {
            out.flip();
            channel.write(out);
            out.compact();
            key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            close();
        }
    }

    private void close() {
        if (closed) return;
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // gone anyway
        }
    }
}
