package dev.idleclaw.registry;

import dev.idleclaw.config.TrustSettings;
import dev.idleclaw.registry.Standing.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standings of every key the hub has seen, remembered across reconnections and bounded, and the rules that move
 * a standing (docs/trust.md): reputation changes, passed checks, the threshold, and the operator's actions. Every
 * method but {@link #forKey}, {@link #fresh}, {@link #known} and {@link #all} runs under the {@link Scheduler}'s lock, which
 * guards every {@link Standing}; what becomes of held credits is queued and handed out after the lock is released.
 */
final class Standings {
    /** Keys whose standing is remembered; beyond this, new keys start afresh at each connection (bounded memory). */
    static final int MAX_REMEMBERED_KEYS = 100_000;

    /** A held-credit outcome waiting to be told to the listener. */
    record Outcome(String pubkey, boolean released) {}

    private final TrustSettings trust;
    private final ConcurrentHashMap<String, Standing> byKey = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = new ArrayList<>(); // guarded by Scheduler.lock

    Standings(TrustSettings trust) {
        this.trust = trust;
    }

    TrustSettings trust() {
        return trust;
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
        return s.state(trust.suspendBelow());
    }

    /** Changes the reputation by {@code delta}, clamped to [0, 1]; falling below the threshold catches the key. */
    void adjust(Standing s, double delta) {
        State before = state(s);
        // Rounded so that exact steps add up: 0.5 - 10 × 0.05 is 6.9e-17 in doubles.
        s.reputation = Math.clamp(Math.round((s.reputation + delta) * 1e6) / 1e6, 0.0, 1.0);
        if (state(s) == State.AUTO_SUSPENDED && before != State.AUTO_SUSPENDED) {
            if (!s.exempt && s.flags() > 0) s.convicted = true;
            caught(s);
        }
    }

    /** One verification result: the reputation moves; a pass counts toward leaving probation. */
    void verified(Standing s, boolean passed, double delta) {
        adjust(s, delta);
        if (!passed) return;
        s.checksPassed++;
        if (state(s) == State.PROBATION && s.checksPassed >= trust.probationChecks()
                && s.reputation >= Scheduler.INITIAL_REPUTATION) {
            s.leftProbation = true;
            release(s);
        }
    }

    /** Applies an operator's action. */
    void apply(Standing s, Standing.Action action) {
        switch (action) {
            case TRUST -> {
                s.verdict = Standing.Verdict.TRUSTED;
                s.convicted = false;
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
                s.reputation = Scheduler.INITIAL_REPUTATION;
                s.checksPassed = 0;
                s.leftProbation = false;
                s.convicted = false;
                s.clearFlags();
            }
        }
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

    /** Caught: whatever is held is forfeited, and trust must be earned again from the start. */
    private void caught(Standing s) {
        forfeit(s);
        s.leftProbation = false;
        s.checksPassed = 0;
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
