package dev.idleclaw.registry;

import dev.idleclaw.config.TrustSettings;
import dev.idleclaw.registry.Standing.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import dev.idleclaw.ledger.NodeStanding;
import dev.idleclaw.ledger.ReputationChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standings of every key the hub has seen, remembered across reconnections and bounded, and the rules that move
 * a standing (docs/trust.md): reputation changes, passed checks, the threshold, and the operator's actions. Every
 * method but {@link #forKey}, {@link #fresh}, {@link #known} and {@link #all} runs under the {@link Scheduler}'s lock, which
 * guards every {@link Standing}; what becomes of held credits is queued and handed out after the lock is released.
 */
final class Standings {
    private static final Logger log = LoggerFactory.getLogger(Standings.class);
    /** Keys whose standing is remembered; beyond this, new keys start afresh at each connection (bounded memory). */
    static final int MAX_REMEMBERED_KEYS = 100_000;
    /**
     * How long a first conviction bars a key from consumer traffic, whatever its checks: a lie told only to consumers
     * (counts, speed, truncation, another model's text) passes canaries, so checks alone would bring a liar back within
     * minutes; an hour makes each lie cost far more than it earns, and an honest node flagged by mistake still returns.
     */
    static final long CONVICTION_BAR_MILLIS = 3_600_000;
    /** The longest bar: each further conviction doubles it up to a week (the operator can always trust or reset). */
    static final long MAX_BAR_MILLIS = 7 * 24 * 3_600_000L;
    /** Doublings past which the bar is the week anyway (an hour doubled 8 times passes it); keeps the shift from overflowing. */
    private static final int MAX_BAR_DOUBLINGS = 20;

    /** A held-credit outcome waiting to be told to the listener. */
    record Outcome(String pubkey, boolean released) {}

    private final TrustSettings trust;
    private final ConcurrentHashMap<String, Standing> byKey = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = new ArrayList<>(); // guarded by Scheduler.lock
    private final LongSupplier clock;
    /** The scheduler's lock: it guards every {@link Standing}, and loading a stored one takes it too. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Reputation changes since the last save (guarded by the lock). */
    private final List<ReputationChange> history = new ArrayList<>();
    private volatile StandingStore store = StandingStore.NONE;

    Standings(TrustSettings trust) {
        this(trust, System::currentTimeMillis);
    }

    /** {@code clock}: epoch millis, for the conviction bars. */
    Standings(TrustSettings trust, LongSupplier clock) {
        this.trust = trust;
        this.clock = clock;
    }

    TrustSettings trust() {
        return trust;
    }

    /** The lock that guards every standing: the scheduler's. */
    ReentrantLock lock() {
        return lock;
    }

    /** Keeps standings in {@code store} from now on (set once at startup, before nodes connect). */
    void persistTo(StandingStore store) {
        this.store = store;
    }

    /**
     * The standing of {@code pubkey} as {@link #forKey}, brought up to date from the store when the stored copy is
     * newer than the one in memory (another hub changed it, or this hub restarted). Reads the database: never call it
     * under a lock. When the store cannot be read, memory stands (a newcomer's standing for an unknown key).
     */
    Standing refresh(String pubkey) {
        Standing s = forKey(pubkey);
        Optional<NodeStanding> row = stored(pubkey);
        if (row.isPresent()) {
            lock.lock();
            try {
                if (row.get().updatedAt() > s.changedAt) s.restore(row.get());
            } finally {
                lock.unlock();
            }
        }
        return s;
    }

    /** The remembered standing of {@code pubkey}, else its stored one (then remembered), else null. */
    Standing knownOrStored(String pubkey) {
        Standing s = known(pubkey);
        if (s != null) return s;
        return stored(pubkey).isPresent() ? refresh(pubkey) : null;
    }

    private Optional<NodeStanding> stored(String pubkey) {
        try {
            return store.load(pubkey);
        } catch (RuntimeException e) {
            log.debug("standing of {} not loaded: {}", pubkey, e.getMessage());
            return Optional.empty();
        }
    }

    /** Hands {@code s}'s new state, and the reputation changes so far, to the store (under the lock; never waits). */
    private void save(Standing s) {
        if (s.pubkey == null || s.exempt) {
            history.clear();
            return;
        }
        s.changedAt = Math.max(s.changedAt + 1, clock.getAsLong());
        List<ReputationChange> changes = history.isEmpty() ? List.of() : List.copyOf(history);
        history.clear();
        store.write(List.of(s.stored()), changes);
    }

    /** The remembered standing of {@code pubkey}, new if unknown (a fresh unremembered one when the book is full). */
    Standing forKey(String pubkey) {
        Standing s = byKey.get(pubkey);
        if (s != null) return s;
        if (byKey.size() >= MAX_REMEMBERED_KEYS) return fresh(pubkey);
        return byKey.computeIfAbsent(pubkey, this::fresh);
    }

    /** A newcomer's standing: on probation, unless {@code --probation-checks} is 0 (no probation at all). */
    Standing fresh(String pubkey) {
        var s = new Standing(pubkey, false);
        s.leftProbation = trust.probationChecks() == 0;
        return s;
    }

    /** The remembered standing of {@code pubkey}, or null. */
    Standing known(String pubkey) {
        return byKey.get(pubkey);
    }

    /** Every remembered standing, by key. */
    List<Standing> all() {
        return byKey.values().stream().sorted(Comparator.comparing(s -> s.pubkey)).toList();
    }

    State state(Standing s) {
        return s.state(trust.suspendBelow(), clock.getAsLong());
    }

    Standing.View view(Standing s) {
        return s.view(trust.suspendBelow(), clock.getAsLong());
    }

    /**
     * Changes the reputation by {@code delta}, clamped to [0, 1]; falling below the threshold catches the key. Caught
     * with a suspicion flag on record, or flagged again after a conviction (a relapse, whatever its reputation), it is
     * convicted: barred from consumer traffic for {@link #bar} of its convictions, then it recovers through checks.
     */
    void adjust(Standing s, double delta) {
        adjust(s, delta, "adjusted");
    }

    /** As {@link #adjust(Standing, double)}, with why for the reputation history. */
    void adjust(Standing s, double delta, String reason) {
        move(s, delta, reason);
        save(s);
    }

    private void move(Standing s, double delta, String reason) {
        State before = state(s);
        double was = s.reputation;
        // Rounded so that exact steps add up: 0.5 - 10 × 0.05 is 6.9e-17 in doubles.
        s.reputation = Math.clamp(Math.round((s.reputation + delta) * 1e6) / 1e6, 0.0, 1.0);
        if (s.reputation != was && s.pubkey != null && !s.exempt) {
            history.add(new ReputationChange(clock.getAsLong(), s.pubkey, s.reputation - was, s.reputation, reason));
        }
        boolean fell = state(s) == State.AUTO_SUSPENDED && before != State.AUTO_SUSPENDED;
        boolean newFlag = !s.exempt && s.verdict == Standing.Verdict.NONE && s.flags() > s.flagsAtConviction;
        if (newFlag && (fell || s.convictions > 0)) {
            s.convictions++;
            s.flagsAtConviction = s.flags();
            s.barredUntil = clock.getAsLong() + bar(s.convictions);
            caught(s);
        } else if (fell) {
            caught(s);
        }
    }

    /** The bar of the {@code n}th conviction: {@link #CONVICTION_BAR_MILLIS} doubled per earlier one, at most a week. */
    static long bar(int n) {
        return Math.min(MAX_BAR_MILLIS, CONVICTION_BAR_MILLIS << Math.min(n - 1, MAX_BAR_DOUBLINGS));
    }

    /** One verification result: the reputation moves; a pass counts toward leaving probation. */
    void verified(Standing s, boolean passed, double delta) {
        verified(s, passed, delta, "check");
    }

    /** As {@link #verified(Standing, boolean, double)}; {@code check} names it in the reputation history. */
    void verified(Standing s, boolean passed, double delta, String check) {
        move(s, delta, check);
        if (passed) {
            s.checksPassed++;
            leaveProbationIfDue(s);
        }
        save(s);
    }

    /** A consumer answer relayed without a suspicion flag: counts toward leaving probation. */
    void answeredClean(Standing s) {
        s.cleanAnswers++;
        leaveProbationIfDue(s);
        save(s);
    }

    /**
     * Leaves probation, releasing what it holds, once the key has passed its checks and given its clean consumer
     * answers with at least the starting reputation, and raised no suspicion flag since its probation began (a flagged
     * newcomer stays on probation, its credit held, until it is caught or the operator decides).
     */
    private void leaveProbationIfDue(Standing s) {
        if (state(s) == State.PROBATION && s.checksPassed >= trust.probationChecks()
                && s.cleanAnswers >= trust.probationAnswers() && s.reputation >= Scheduler.INITIAL_REPUTATION
                && s.flags() == s.flagsAtProbationStart) {
            s.leftProbation = true;
            release(s);
        }
    }

    /** Applies an operator's action. */
    void apply(Standing s, Standing.Action action) {
        switch (action) {
            case TRUST -> {
                s.verdict = Standing.Verdict.TRUSTED;
                pardon(s);
                release(s);
            }
            case SUSPEND -> {
                s.verdict = Standing.Verdict.SUSPENDED;
                forfeit(s);
            }
            case BAN -> {
                s.verdict = Standing.Verdict.NONE;
                caught(s);
            }
            case RESET -> {
                s.verdict = Standing.Verdict.NONE;
                if (s.reputation != Scheduler.INITIAL_REPUTATION && s.pubkey != null && !s.exempt) {
                    history.add(new ReputationChange(clock.getAsLong(), s.pubkey, Scheduler.INITIAL_REPUTATION - s.reputation,
                            Scheduler.INITIAL_REPUTATION, "operator_reset"));
                }
                s.reputation = Scheduler.INITIAL_REPUTATION;
                s.checksPassed = 0;
                s.cleanAnswers = 0;
                s.leftProbation = false;
                s.clearFlags();
                s.flagsAtProbationStart = 0;
                pardon(s);
            }
        }
        save(s);
    }

    /**
     * Re-tells a key's held-credit outcome after a receipt was recorded as held: when the key left probation or was
     * caught between the decision to hold and the ledger's commit, that receipt would otherwise stay held.
     */
    void settle(Standing s) {
        switch (state(s)) {
            case TRUSTED, OPERATOR_TRUSTED -> release(s);
            case OPERATOR_SUSPENDED, AUTO_SUSPENDED -> forfeit(s);
            case PROBATION -> {}
        }
    }

    /** The operator's trust or reset: convictions and bars are cleared, and only flags raised after count again. */
    private static void pardon(Standing s) {
        s.convictions = 0;
        s.barredUntil = 0;
        s.flagsAtConviction = s.flags();
    }

    /** Caught: whatever is held is forfeited, and trust must be earned again from the start. */
    private void caught(Standing s) {
        forfeit(s);
        s.leftProbation = false;
        s.checksPassed = 0;
        s.cleanAnswers = 0;
        s.flagsAtProbationStart = s.flags();
    }

    private void release(Standing s) {
        if (s.pubkey != null && !s.exempt) outcomes.add(new Outcome(s.pubkey, true));
    }

    private void forfeit(Standing s) {
        if (s.pubkey != null && !s.exempt) outcomes.add(new Outcome(s.pubkey, false));
    }

    /** The outcomes queued so far, emptied (under the lock). */
    List<Outcome> drain() {
        if (outcomes.isEmpty()) return List.of();
        var out = List.copyOf(outcomes);
        outcomes.clear();
        return out;
    }

}
