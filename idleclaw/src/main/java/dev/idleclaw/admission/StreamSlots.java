package dev.idleclaw.admission;

/**
 * Where the per-client open-stream slots are counted: this hub's memory ({@link ChatGate}) or, for a hub in a
 * cluster, leases in the cluster's shared store, so the cap holds across every hub.
 */
public interface StreamSlots {
    /** Takes one of {@code client}'s slots: what gives it back (run once), or null when it has the maximum open. */
    Runnable take(String client);
}
