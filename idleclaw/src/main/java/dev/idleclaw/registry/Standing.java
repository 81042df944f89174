package dev.idleclaw.registry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the hub thinks of one node key: its reputation, the checks it passed, whether it left probation, and the
 * operator's word (docs/trust.md "Standing"). Every connection of an authenticated key shares one, so reconnecting
 * sheds nothing; an anonymous node has one per connection. Peers (other hubs) and a worker's own Ollama are
 * {@code exempt}: never on probation, judged by reputation only. The mutable fields are guarded by the
 * {@link Scheduler}'s lock; {@link Standings} applies the rules.
 */
public final class Standing {
    /** Where a key stands; {@code label} is the admin API's value. */
    public enum State {
        PROBATION("probation"), TRUSTED("trusted"), OPERATOR_TRUSTED("operator_trusted"),
        OPERATOR_SUSPENDED("operator_suspended"), AUTO_SUSPENDED("auto_suspended");

        public final String label;

        State(String label) {
            this.label = label;
        }

        /** Whether a node in this state gets no consumer traffic. */
        public boolean suspended() {
            return this == OPERATOR_SUSPENDED || this == AUTO_SUSPENDED;
        }
    }

    /**
     * What an operator does to a key: trust it (no probation, no automatic suspension), suspend it (no consumer
     * traffic), note that it was banned (the ban itself is in {@link Bans}), or reset it to a newcomer's standing.
     */
    public enum Action { TRUST, SUSPEND, BAN, RESET }

    /** The operator's word on a key; {@code NONE} leaves it to the rules. */
    enum Verdict { NONE, TRUSTED, SUSPENDED }

    /** One key's standing as the operator sees it. {@code pubkey} null: an anonymous connection. */
    /**
     * One key's standing as the operator sees it. {@code pubkey} null: an anonymous connection. {@code convictions}:
     * times it was caught lying; {@code barredUntil}: until when (epoch millis, 0 = not barred) checks cannot bring it back.
     */
    public record View(String pubkey, State state, double reputation, int checksPassed, long flags, int convictions,
                       long barredUntil) {}

    /** The key, or null for an anonymous connection. */
    final String pubkey;
    final boolean exempt;
    private final AtomicLong flags = new AtomicLong();

    // guarded by Scheduler.lock
    double reputation = Scheduler.INITIAL_REPUTATION;
    int checksPassed;
    /** Consumer answers relayed without a suspicion flag since it (re)started probation. */
    int cleanAnswers;
    /** Its flag count when it (re)started probation: a flag raised on probation keeps it there. */
    long flagsAtProbationStart;
    boolean leftProbation;
    Verdict verdict = Verdict.NONE;
    /**
     * Times it was caught lying: it fell below the threshold with a suspicion flag on record, or was flagged again after
     * an earlier conviction. Each bars it from consumer traffic for a while ({@link Standings#bar}); the operator's trust
     * or reset clears them.
     */
    int convictions;
    /** Until when (epoch millis) it stays suspended whatever its reputation; 0: not barred. */
    long barredUntil;
    /** Its flag count at its last conviction: a newer flag after a conviction is a relapse. */
    long flagsAtConviction;
    /** When (epoch millis) it last changed here or was loaded: a stored copy is taken only when newer. 0: never. */
    long changedAt;

    Standing(String pubkey, boolean exempt) {
        this.pubkey = pubkey;
        this.exempt = exempt;
    }

    /** Where it stands at {@code nowMillis} with reputation {@code suspendBelow} as the threshold (under the scheduler's lock). */
    State state(double suspendBelow, long nowMillis) {
        return switch (verdict) {
            case SUSPENDED -> State.OPERATOR_SUSPENDED;
            case TRUSTED -> State.OPERATOR_TRUSTED;
            case NONE -> reputation < suspendBelow || nowMillis < barredUntil ? State.AUTO_SUSPENDED
                    : exempt || leftProbation ? State.TRUSTED : State.PROBATION;
        };
    }

    /**
     * Whether it has not earned trust yet: not left probation and not trusted by the operator (suspended or not). Its
     * credits are held and its share of contested traffic capped.
     */
    boolean untrusted() {
        return !exempt && !leftProbation && verdict != Verdict.TRUSTED;
    }

    /** Counts a suspicion flag raised on one of its connections (any thread). */
    void flagged() {
        flags.incrementAndGet();
    }

    long flags() {
        return flags.get();
    }

    void clearFlags() {
        flags.set(0);
    }

    /** What the ledger database keeps of it (under the scheduler's lock); only for a key's shared standing. */
    dev.idleclaw.ledger.NodeStanding stored() {
        return new dev.idleclaw.ledger.NodeStanding(pubkey, reputation, checksPassed, cleanAnswers, flags(),
                flagsAtProbationStart, leftProbation, verdict.name().toLowerCase(java.util.Locale.ROOT), convictions,
                barredUntil, flagsAtConviction, changedAt);
    }

    /** Takes over a stored copy (under the scheduler's lock): where another hub, or this one before a restart, left it. */
    void restore(dev.idleclaw.ledger.NodeStanding row) {
        reputation = Math.clamp(row.reputation(), 0.0, 1.0);
        checksPassed = row.checksPassed();
        cleanAnswers = row.cleanAnswers();
        flags.set(row.flags());
        flagsAtProbationStart = row.flagsAtProbationStart();
        leftProbation = row.leftProbation();
        verdict = switch (row.verdict()) {
            case "trusted" -> Verdict.TRUSTED;
            case "suspended" -> Verdict.SUSPENDED;
            default -> Verdict.NONE;
        };
        convictions = row.convictions();
        barredUntil = row.barredUntil();
        flagsAtConviction = row.flagsAtConviction();
        changedAt = row.updatedAt();
    }

    View view(double suspendBelow, long nowMillis) {
        return new View(pubkey, state(suspendBelow, nowMillis), reputation, checksPassed, flags(), convictions,
                nowMillis < barredUntil ? barredUntil : 0);
    }
}
