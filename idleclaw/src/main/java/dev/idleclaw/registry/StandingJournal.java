package dev.idleclaw.registry;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.ledger.LedgerException;
import dev.idleclaw.ledger.NodeStanding;
import dev.idleclaw.ledger.ReputationChange;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes node standings behind the in-memory copy, into the ledger database (docs/trust.md "Persistence"). Changes
 * wait in memory, a key's newer standing replacing its older one, and one thread writes whatever waits in one
 * transaction; while the database is away it keeps them and tries again every {@link #RETRY}. Bounded: at most
 * {@link #MAX_PENDING} keys' standings and as many reputation changes wait; beyond that what does not fit is dropped and
 * counted (a dropped standing is written whole at the key's next change).
 */
public final class StandingJournal implements StandingStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandingJournal.class);
    /** Keys (and history rows) waiting for the database: a busy hub changes a few hundred a second, so minutes of outage fit. */
    public static final int MAX_PENDING = 20_000;
    /** How long the writer waits before trying an unreachable database again. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** How long closing waits for the writer to write what waits. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Ledger ledger;
    private final int maxPending;
    private final LinkedHashMap<String, NodeStanding> standings = new LinkedHashMap<>(); // guarded by this
    private final ArrayDeque<ReputationChange> changes = new ArrayDeque<>(); // guarded by this
    private long dropped; // guarded by this
    /** Dropped since the writer last logged it; said once when dropping starts, then in sum once a write succeeds. */
    private long droppedUnreported; // writer thread only
    private boolean closed; // guarded by this
    private final Thread writer;

    public StandingJournal(Ledger ledger) {
        this(ledger, MAX_PENDING);
    }

    /** {@code maxPending}: the bound on waiting standings and on waiting changes ({@link #MAX_PENDING} but in tests). */
    StandingJournal(Ledger ledger, int maxPending) {
        this.ledger = ledger;
        this.maxPending = maxPending;
        this.writer = Thread.ofPlatform().daemon().name("standing-writer").start(this::loop);
    }

    @Override
    public Optional<NodeStanding> load(String pubkey) {
        return ledger.standing(pubkey);
    }

    @Override
    public synchronized void write(List<NodeStanding> changed, List<ReputationChange> history) {
        if (closed) return;
        for (var s : changed) {
            if (standings.size() >= maxPending && !standings.containsKey(s.pubkey())) dropped++;
            else standings.put(s.pubkey(), s);
        }
        for (var h : history) {
            if (changes.size() >= maxPending) dropped++;
            else changes.addLast(h);
        }
        notifyAll();
    }

    /** Standings and changes waiting to be written. */
    public synchronized int pending() {
        return standings.size() + changes.size();
    }

    private void loop() {
        boolean failing = false;
        while (true) {
            List<NodeStanding> batch;
            List<ReputationChange> history;
            long lost;
            synchronized (this) {
                while (standings.isEmpty() && changes.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (standings.isEmpty() && changes.isEmpty()) return;
                batch = new ArrayList<>(standings.values());
                history = new ArrayList<>(changes);
                standings.clear();
                changes.clear();
                lost = dropped;
                dropped = 0;
            }
            if (lost > 0 && droppedUnreported == 0) {
                log.warn("node standing changes are being dropped: more than {} waited for the ledger database", maxPending);
            }
            droppedUnreported += lost;
            try {
                ledger.saveStandings(batch, history);
                if (failing) log.debug("node standings written again");
                failing = false;
                if (droppedUnreported > 0) {
                    log.warn("{} node standing change(s) were dropped in all (a dropped key's standing is written at its next change)",
                            droppedUnreported);
                    droppedUnreported = 0;
                }
            } catch (LedgerException e) {
                if (!e.unavailable()) {
                    log.error("cannot save {} node standing(s): {}", batch.size(), e.getMessage());
                    continue;
                }
                failing = true; // the ledger's own outage line said it; keep them and try again
                requeue(batch, history);
                if (!pause()) return;
            } catch (RuntimeException e) {
                log.error("cannot save {} node standing(s)", batch.size(), e);
            }
        }
    }

    /**
     * Puts a failed batch back ahead of what came since, within the bound (what does not fit is dropped and counted);
     * a key's newer standing wins over the failed one.
     */
    private synchronized void requeue(List<NodeStanding> batch, List<ReputationChange> history) {
        for (var s : batch) {
            if (standings.containsKey(s.pubkey())) continue;
            if (standings.size() >= maxPending) dropped++;
            else standings.put(s.pubkey(), s);
        }
        int i = history.size() - 1;
        for (; i >= 0 && changes.size() < maxPending; i--) changes.addFirst(history.get(i));
        dropped += i + 1;
    }

    /**
     * Waits {@link #RETRY}, woken early by closing only (not by new changes: a busy hub would retry a dead database on
     * every change); false when closed with nothing more to try.
     */
    private synchronized boolean pause() {
        if (closed) return false;
        long deadline = System.nanoTime() + RETRY.toNanos();
        try {
            for (long left = RETRY.toMillis(); left > 0 && !closed; left = (deadline - System.nanoTime()) / 1_000_000) wait(left);
        } catch (InterruptedException e) {
            return false;
        }
        return true;
    }

    /** Writes what waits (bounded wait), then stops; what cannot be written is reported. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            writer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = pending();
        if (left > 0) log.warn("{} node standing change(s) were not written: the ledger database did not take them", left);
    }
}
