package dev.idleclaw.admission;

import java.util.concurrent.ConcurrentHashMap;

/** Counts open chat streams per client address and refuses more than the configured number. */
public final class ChatGate implements StreamSlots {
    private final int maxPerClient;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    public ChatGate(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    /** Takes a slot for {@code client}; false when it already has the maximum open. */
    public boolean enter(String client) {
        boolean[] ok = {false};
        open.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerClient) return now;
            ok[0] = true;
            return now + 1;
        });
        return ok[0];
    }

    @Override
    public Runnable take(String client) {
        return enter(client) ? () -> leave(client) : null;
    }

    public void leave(String client) {
        open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
}
