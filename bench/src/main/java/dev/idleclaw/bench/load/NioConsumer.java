package dev.idleclaw.bench.load;

import dev.idleclaw.bench.nio.Loop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One consumer as a state machine on the load generator's {@link Loop}: its own keep-alive HTTP/1.1 connection,
 * a prebuilt request, the answer parsed as it arrives ({@link ResponseParser} into {@link AnswerReader}), then
 * the next request if its {@link Seat} allows. Loop thread only; one loop serves every consumer. With several
 * {@link Target}s and a failover hook, a connection the server refuses moves the consumer to the next target, where
 * it sends the same request (a server that is gone, skipped as a balancer would skip it); it stays there.
 */
final class NioConsumer implements Loop.Handler {
    /** Socket read size: several events per read under load. */
    private static final int READ_BYTES = 16 * 1024;

    /** One server: where to connect and the request bytes for it (its Host header). */
    record Target(InetSocketAddress address, ByteBuffer request) {}

    private final Loop loop;
    private final List<Target> targets;
    /** Told of every move to the next target; null: a refused connection is a failed request. */
    private final Runnable failover;
    private int target, refusedInARow;
    private final AnswerReader reader;
    private final Seat seat;
    private final ResponseParser parser = new ResponseParser();
    private final ByteBuffer in = ByteBuffer.allocate(READ_BYTES);
    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer out;
    private long t0;
    private boolean reused, received;

    NioConsumer(Loop loop, List<Target> targets, int first, Runnable failover, AnswerReader reader, Seat seat) {
        this.loop = loop;
        this.targets = List.copyOf(targets);
        this.target = first;
        this.failover = failover;
        this.reader = reader;
        this.seat = seat;
    }

    /** Sends the next request, or stops when the seat says so. */
    void begin() {
        if (!seat.mayStart()) {
            disconnect();
            seat.stopped();
            return;
        }
        t0 = System.nanoTime();
        send(channel != null);
    }

    private void send(boolean reuse) {
        reader.start(t0);
        parser.reset();
        in.clear();
        out = targets.get(target).request().duplicate();
        reused = reuse;
        received = false;
        try {
            if (channel == null) {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = loop.register(channel, SelectionKey.OP_CONNECT, this);
                if (channel.connect(targets.get(target).address())) connected();
            } else {
                write();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable() && channel.finishConnect()) connected();
            if (k.isValid() && k.isWritable()) write();
            if (k.isValid() && k.isReadable()) read();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** The index of the target this consumer sends to now. */
    int target() {
        return target;
    }

    private void connected() throws IOException {
        refusedInARow = 0;
        key.interestOps(SelectionKey.OP_READ);
        write();
    }

    private void write() throws IOException {
        channel.write(out);
        key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void read() throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            if (parser.headDone() && parser.eof()) complete();
            else if (reused && !received) retry();
            else fail(new IOException("connection closed mid-response"));
            return;
        }
        received |= n > 0;
        in.flip();
        parser.feed(in, reader);
        if (parser.status() != 0 && parser.status() != 200) {
            String text = ResponseParser.text(in, AnswerReader.ERROR_TEXT);
            disconnect(); // an error body is not worth parsing: reconnect for the next request
            next(new Outcome(parser.status(), -1, System.nanoTime() - t0, 0,
                    "HTTP " + parser.status() + " " + AnswerReader.oneLine(text)));
            return;
        }
        in.compact();
        if (parser.done()) complete();
    }

    private void complete() {
        if (parser.closeAfter()) disconnect();
        next(reader.finish(200));
    }

    /** The server closed the idle keep-alive connection before answering: once more on a new one. */
    private void retry() {
        disconnect();
        send(false);
    }

    private void fail(Exception e) {
        disconnect();
        if (reused && !received) {
            send(false);
            return;
        }
        if (failover != null && e instanceof ConnectException && ++refusedInARow < targets.size()) {
            target = (target + 1) % targets.size();
            failover.run();
            send(false);
            return;
        }
        refusedInARow = 0;
        next(new Outcome(0, -1, System.nanoTime() - t0, 0, e.getClass().getSimpleName() + ": " + AnswerReader.oneLine(String.valueOf(e.getMessage()))));
    }

    /** Records {@code o} and begins the next request from the timer queue (no recursion on fast failures). */
    private void next(Outcome o) {
        seat.finished(o);
        loop.schedule(0, this::begin);
    }

    private void disconnect() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        channel = null;
        key = null;
    }
}
