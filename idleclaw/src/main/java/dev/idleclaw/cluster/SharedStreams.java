package dev.idleclaw.cluster;

import dev.idleclaw.admission.ChatGate;
import dev.idleclaw.admission.StreamSlots;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-client open-stream cap of a hub in a cluster: one lease per open stream in {@code <prefix>streams:<client>}
 * ({@link Leases}), so the cap counts the client's streams on every hub. While Redis is unreachable, or a command
 * fails, this hub's own {@link ChatGate} counts instead; a slot goes back where it was taken.
 */
final class SharedStreams implements StreamSlots {
    private final ClusterStore store;
    private final ClusterKeys keys;
    private final Leases leases;
    /** This hub process's part of every member it writes, so two hubs' (or two runs') leases never collide. */
    private final String holder;
    private final int max;
    private final ChatGate local;
    private final AtomicLong next = new AtomicLong();

    SharedStreams(ClusterStore store, ClusterKeys keys, Leases leases, String holder, int max, ChatGate local) {
        this.store = store;
        this.keys = keys;
        this.leases = leases;
        this.holder = holder;
        this.max = max;
        this.local = local;
    }

    @Override
    public Runnable take(String client) {
        var redis = store.text();
        if (redis != null) {
            List<String> sets = List.of(keys.streams(client));
            String member = holder + "/" + next.incrementAndGet();
            try {
                if (leases.take(redis, sets, member, max).full() != null) return null;
                return () -> leases.release(store.text(), sets, member);
            } catch (RuntimeException e) {
                store.failed(e);
                leases.release(null, sets, member);
            }
        }
        return local.take(client);
    }
}
