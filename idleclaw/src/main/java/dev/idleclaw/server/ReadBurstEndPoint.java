package dev.idleclaw.server;

import dev.idleclaw.registry.ReadBurst;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A listener's socket whose every selected task (a read, a write completing) runs as one {@link ReadBurst}: the end
 * of the task is the one point where a node link's reader knows it has handled every frame one network read brought
 * in, and so where the chunks it passed to consumers are flushed, once per consumer.
 */
final class ReadBurstEndPoint extends SocketChannelEndPoint {

    ReadBurstEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
        super(channel, selector, key, scheduler);
    }

    @Override
    public Runnable onSelected() {
        Runnable task = super.onSelected();
        return task == null ? null : new Burst(task);
    }

    /** Jetty's task, run as one pass; it keeps the task's invocation type, and closes it when Jetty closes tasks. */
    private record Burst(Runnable task) implements Invocable.Task, Closeable {
        @Override
        public void run() {
            ReadBurst.run(task);
        }

        @Override
        public InvocationType getInvocationType() {
            return Invocable.getInvocationType(task);
        }

        @Override
        public void close() throws IOException {
            if (task instanceof Closeable c) c.close();
        }
    }
}
