package dev.idleclaw.registry;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The suspicion flags raised against one node connection, with reasons an operator can read (docs/trust.md). It
 * hangs off the {@link NodeLink}, so a flag is held against the authenticated connection, never an id a message
 * claims. Also keeps the window of recent answer endings the abort rule counts. Thread-safe.
 */
public final class Suspicion {
    /** Flags kept with their reasons per connection; older ones only count (bounded memory per node). */
    static final int MAX_FLAGS_KEPT = 20;
    /** Answers the abort rule looks back over: enough that one bad minute of a home GPU is not a pattern. */
    public static final int ABORT_WINDOW = 20;
    /** Aborts by the node within {@link #ABORT_WINDOW} answers that raise a flag (a quarter: far above a healthy node). */
    public static final int ABORT_LIMIT = 5;

    /** Why a node is suspected; {@code label} is the metric tag and the admin API's value. */
    public enum Reason {
        TOKEN_COUNT("token_count"), TOO_FAST("too_fast"), ABORTS("aborts"), CANARY("canary"), FINGERPRINT("fingerprint"),
        RERUN("rerun");

        public final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    /** One flag: its reason, the operator-readable detail, and when it was raised (epoch millis). */
    public record Flag(Reason reason, String detail, long atMillis) {}

    private final ArrayDeque<Flag> flags = new ArrayDeque<>();
    private final EnumMap<Reason, Long> counts = new EnumMap<>(Reason.class);
    /** Recent answer endings, oldest first: true = ended by the node mid-answer. */
    private final ArrayDeque<Boolean> endings = new ArrayDeque<>();
    private int abortsInWindow;
    private final Runnable onRaise;

    public Suspicion() {
        this(() -> {});
    }

    /** {@code onRaise} hears each flag (the key's standing counts them across connections). */
    public Suspicion(Runnable onRaise) {
        this.onRaise = onRaise;
    }

    /** Records a flag. */
    public void raise(Reason reason, String detail) {
        synchronized (this) {
            if (flags.size() == MAX_FLAGS_KEPT) flags.removeFirst();
            flags.addLast(new Flag(reason, detail, System.currentTimeMillis()));
            counts.merge(reason, 1L, Long::sum);
        }
        onRaise.run();
    }

    /** The most recent flags, oldest first (at most {@link #MAX_FLAGS_KEPT}). */
    public synchronized List<Flag> flags() {
        return List.copyOf(flags);
    }

    /** How many flags of each reason were ever raised on this connection. */
    public synchronized Map<Reason, Long> counts() {
        return Map.copyOf(counts);
    }

    /**
     * Records how one answer ended ({@code abortedByNode}: the node failed or left mid-answer; a consumer's cancel is
     * never recorded). True when the window now holds {@link #ABORT_LIMIT} aborts; the window then starts afresh, so
     * the next flag needs as many new aborts.
     */
    public synchronized boolean answered(boolean abortedByNode) {
        endings.addLast(abortedByNode);
        if (abortedByNode) abortsInWindow++;
        if (endings.size() > ABORT_WINDOW && endings.removeFirst()) abortsInWindow--;
        if (abortsInWindow < ABORT_LIMIT) return false;
        endings.clear();
        abortsInWindow = 0;
        return true;
    }
}
