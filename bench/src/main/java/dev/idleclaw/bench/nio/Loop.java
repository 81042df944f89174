package dev.idleclaw.bench.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One thread that does everything for many connections: waits on a {@link Selector}, runs the handlers of ready
 * channels, runs due timers, then flushes the connections that queued output in this round (so frames due at the
 * same moment leave in one write). Everything except {@link #execute} and {@link #close} must be called on the
 * loop thread, which is why no handler needs a lock.
 */
public final class Loop implements AutoCloseable {
    /** A channel's readiness callback. */
    public interface Handler {
        void ready(SelectionKey key);
    }

    /** Something with buffered output to write at the end of the round. */
    public interface Flushable {
        void flush();
    }

    private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    private final Selector selector;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Flushable> dirty = new ArrayList<>();
    private final Thread thread;
    private long seq;
    private volatile boolean running = true;

    public Loop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Runs {@code task} on the loop thread (callable from any thread). */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop thread after {@code delayNanos} (loop thread only). */
    public void schedule(long delayNanos, Runnable task) {
        timers.add(new Timer(System.nanoTime() + Math.max(0, delayNanos), seq++, task));
    }

    /** Registers {@code channel} for {@code ops} with its handler (loop thread only). */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    /** Asks for {@link Flushable#flush()} at the end of this round (loop thread only; at most once per round). */
    public void dirty(Flushable f) {
        dirty.add(f);
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        while (running) {
            try {
                Timer next = timers.peek();
                long left = next == null ? 0 : next.due - System.nanoTime();
                if (!tasks.isEmpty() || next != null && left <= 0) selector.selectNow();
                else if (next == null) selector.select();
                else selector.select((left + 999_999) / 1_000_000); // rounded up: a timer fires up to 1 ms late, never early
                for (var key : selector.selectedKeys()) {
                    if (key.isValid()) ((Handler) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
                for (Runnable t; (t = tasks.poll()) != null; ) t.run();
                long now = System.nanoTime();
                while ((next = timers.peek()) != null && next.due - now <= 0) {
                    timers.poll().task.run();
                }
                for (Flushable f : dirty) f.flush();
                dirty.clear();
            } catch (IOException | RuntimeException e) {
                System.err.println("loop " + thread.getName() + ": " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
