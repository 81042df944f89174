package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.config.TrustSettings;
import dev.idleclaw.registry.Standing.Action;
import dev.idleclaw.registry.Standing.State;
import dev.idleclaw.registry.Standings.Outcome;
import org.junit.jupiter.api.Test;

/** The standing rules on their own: probation, the threshold, the operator's actions and what becomes of held credit. */
class StandingsTest {
    private static final String KEY = "lob1" + "a".repeat(64);
    /** The default rules, but no clean consumer answers needed: most cases here are about checks. */
    private final Standings standings = new Standings(new TrustSettings(TrustSettings.DEFAULT_PROBATION_CHECKS, 0,
            TrustSettings.DEFAULT_PROBATION_SHARE, TrustSettings.DEFAULT_SUSPEND_BELOW));

    @Test
    void aNewKeyLeavesProbationOnlyOnceItHasAlsoGivenItsCleanConsumerAnswers() {
        var rules = new Standings(TrustSettings.DEFAULTS);
        Standing s = rules.forKey(KEY);
        for (int i = 0; i < 2 * TrustSettings.DEFAULT_PROBATION_CHECKS; i++) rules.verified(s, true, 0.05);
        assertThat(rules.state(s)).as("checks alone: lies about counts or speed show only in consumer answers").isEqualTo(State.PROBATION);
        for (int i = 1; i < TrustSettings.DEFAULT_PROBATION_ANSWERS; i++) rules.answeredClean(s);
        assertThat(rules.state(s)).isEqualTo(State.PROBATION);
        assertThat(rules.drain()).isEmpty();
        rules.answeredClean(s);
        assertThat(rules.state(s)).isEqualTo(State.TRUSTED);
        assertThat(rules.drain()).containsExactly(new Outcome(KEY, true));
    }

    @Test
    void aNewcomerFlaggedOnProbationStaysOnProbationWhateverItsChecks() {
        Standing s = standings.forKey(KEY);
        s.flagged(); // e.g. a fingerprint that did not match, at a reputation that stays above the threshold
        for (int i = 0; i < 20; i++) standings.verified(s, true, 0.05);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(standings.drain()).as("its credit stays held").isEmpty();
    }

    @Test
    void aNewKeyIsOnProbationUntilItPassesEnoughChecksAndIsReleasedOnce() {
        Standing s = standings.forKey(KEY);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(s.untrusted()).isTrue();
        for (int i = 1; i < TrustSettings.DEFAULT_PROBATION_CHECKS; i++) standings.verified(s, true, 0.05);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(standings.drain()).isEmpty();

        standings.verified(s, true, 0.05);

        assertThat(standings.state(s)).isEqualTo(State.TRUSTED);
        assertThat(s.untrusted()).isFalse();
        assertThat(standings.drain()).containsExactly(new Outcome(KEY, true));
        standings.verified(s, true, 0.05);
        assertThat(standings.drain()).as("released once").isEmpty();
        assertThat(standings.forKey(KEY)).as("remembered across connections").isSameAs(s);
    }

    @Test
    void passedChecksDoNotEndProbationWhileReputationIsBelowTheStart() {
        Standing s = standings.forKey(KEY);
        standings.adjust(s, -0.25); // 0.25: above the threshold, below the start
        for (int i = 0; i < TrustSettings.DEFAULT_PROBATION_CHECKS; i++) standings.verified(s, true, 0.0);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        standings.verified(s, false, -0.0);
        assertThat(s.checksPassed).as("a miss counts nothing").isEqualTo(TrustSettings.DEFAULT_PROBATION_CHECKS);
        for (int i = 0; i < 5; i++) standings.verified(s, true, 0.05);
        assertThat(standings.state(s)).isEqualTo(State.TRUSTED);
        assertThat(s.reputation).isEqualTo(0.5);
    }

    @Test
    void fallingBelowTheThresholdSuspendsForfeitsAndRestartsProbation() {
        Standing s = standings.forKey(KEY);
        for (int i = 0; i < 5; i++) standings.verified(s, true, 0.0);
        standings.drain();
        assertThat(standings.state(s)).isEqualTo(State.TRUSTED);

        standings.adjust(s, -0.3); // 0.2: not below
        assertThat(standings.state(s)).isEqualTo(State.TRUSTED);
        standings.adjust(s, -0.05); // 0.15
        assertThat(standings.state(s)).isEqualTo(State.AUTO_SUSPENDED);
        assertThat(standings.drain()).containsExactly(new Outcome(KEY, false));
        standings.adjust(s, -0.05);
        assertThat(standings.drain()).as("caught once, not at every step down").isEmpty();

        standings.verified(s, true, 0.1); // 0.2 again: recovered, but trust must be earned anew
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(s.checksPassed).isEqualTo(1);
    }

    @Test
    void aKeyCaughtWithASuspicionFlagIsBarredForAnHourThenRecoversThroughChecksAndARelapseDoublesTheBar() {
        var now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        var timed = new Standings(TrustSettings.DEFAULTS, now::get);
        Standing s = timed.forKey(KEY);
        s.flagged(); // e.g. a token count that disagreed with the relayed text
        timed.adjust(s, -0.35); // 0.15: caught, with a flag on record
        assertThat(timed.state(s)).isEqualTo(State.AUTO_SUSPENDED);
        assertThat(s.convictions).isEqualTo(1);
        for (int i = 0; i < 20; i++) timed.verified(s, true, 0.05); // canaries it answers right: 1.0
        assertThat(s.reputation).isEqualTo(1.0);
        assertThat(timed.state(s)).as("checks cannot clear a lie told to consumers during the bar").isEqualTo(State.AUTO_SUSPENDED);
        assertThat(timed.view(s).barredUntil()).isEqualTo(1_000_000 + Standings.CONVICTION_BAR_MILLIS);

        now.addAndGet(Standings.CONVICTION_BAR_MILLIS);
        assertThat(timed.state(s)).as("after the bar, back on probation: it can recover").isEqualTo(State.PROBATION);
        s.flagged(); // the next lie, at a reputation far above the threshold
        timed.adjust(s, -0.1);
        assertThat(timed.state(s)).as("a relapse").isEqualTo(State.AUTO_SUSPENDED);
        assertThat(timed.view(s).barredUntil()).isEqualTo(now.get() + 2 * Standings.CONVICTION_BAR_MILLIS);
        assertThat(Standings.bar(30)).isEqualTo(Standings.MAX_BAR_MILLIS);

        timed.apply(s, Action.RESET);
        assertThat(timed.state(s)).isEqualTo(State.PROBATION);
        s.flagged();
        timed.adjust(s, -0.1); // one flag at 0.4: no conviction without a fall
        assertThat(timed.state(s)).isEqualTo(State.PROBATION);
        timed.adjust(s, -0.35);
        assertThat(timed.state(s)).isEqualTo(State.AUTO_SUSPENDED);
        timed.apply(s, Action.TRUST);
        assertThat(timed.state(s)).isEqualTo(State.OPERATOR_TRUSTED);
        assertThat(timed.view(s).convictions()).isZero();
    }

    @Test
    void aKeySuspendedByFailuresAloneRecoversThroughChecksAtOnce() {
        Standing s = standings.forKey(KEY);
        standings.adjust(s, -0.35);
        assertThat(standings.state(s)).isEqualTo(State.AUTO_SUSPENDED);
        standings.verified(s, true, 0.05);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(s.convictions).isZero();
    }

    @Test
    void theOperatorsTrustReleasesAndOutranksTheThreshold() {
        Standing s = standings.forKey(KEY);
        standings.apply(s, Action.TRUST);
        assertThat(standings.drain()).containsExactly(new Outcome(KEY, true));
        standings.adjust(s, -0.5);
        assertThat(standings.state(s)).isEqualTo(State.OPERATOR_TRUSTED);
        assertThat(standings.state(s).suspended()).isFalse();

        standings.apply(s, Action.SUSPEND);
        assertThat(standings.state(s)).isEqualTo(State.OPERATOR_SUSPENDED);
        assertThat(standings.drain()).containsExactly(new Outcome(KEY, false));
        standings.verified(s, true, 1.0);
        assertThat(standings.state(s)).as("checks do not lift the operator's suspension").isEqualTo(State.OPERATOR_SUSPENDED);

        s.flagged();
        standings.apply(s, Action.RESET);
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
        assertThat(standings.view(s)).isEqualTo(new Standing.View(KEY, State.PROBATION, 0.5, 0, 0, 0, 0));
        assertThat(standings.drain()).as("a reset keeps what is held held").isEmpty();
    }

    @Test
    void aBanForfeitsAndTheKeyComesBackOnProbation() {
        Standing s = standings.forKey(KEY);
        standings.apply(s, Action.TRUST);
        standings.drain();
        standings.apply(s, Action.BAN);
        assertThat(standings.drain()).containsExactly(new Outcome(KEY, false));
        assertThat(standings.state(s)).isEqualTo(State.PROBATION);
    }

    @Test
    void anonymousAndExemptStandingsHoldNothingAndExemptOnesAreNeverOnProbation() {
        Standing anonymous = standings.fresh(null), peer = new Standing(KEY, true);
        assertThat(standings.state(anonymous)).isEqualTo(State.PROBATION);
        assertThat(standings.state(peer)).isEqualTo(State.TRUSTED);
        assertThat(peer.untrusted()).isFalse();
        standings.adjust(anonymous, -0.5);
        standings.adjust(peer, -0.5);
        assertThat(standings.state(peer)).isEqualTo(State.AUTO_SUSPENDED);
        for (int i = 0; i < 10; i++) standings.verified(anonymous, true, 0.05);
        assertThat(standings.state(anonymous)).isEqualTo(State.TRUSTED);
        assertThat(standings.drain()).isEmpty();
    }

    @Test
    void zeroProbationChecksMeansNoProbation() {
        var none = new Standings(new TrustSettings(0, 10, 0.1, 0.2));
        assertThat(none.state(none.forKey(KEY))).isEqualTo(State.TRUSTED);
        assertThat(none.state(none.fresh(null))).isEqualTo(State.TRUSTED);
    }

    @Test
    void theBookIsBoundedAndKeysBeyondItStartAfreshEachTime() {
        for (int i = 0; i < Standings.MAX_REMEMBERED_KEYS; i++) standings.forKey("k" + i);
        Standing late = standings.forKey(KEY);
        assertThat(standings.forKey(KEY)).isNotSameAs(late);
        assertThat(standings.known(KEY)).isNull();
        assertThat(standings.forKey("k7")).isSameAs(standings.known("k7"));
    }

    @Test
    void theProbationShareCapsContestedRequests() {
        var share = new ProbationShare(0.1);
        int toProbation = 0, n = 2_000;
        for (int i = 0; i < n; i++) {
            boolean p = share.allows("m");
            share.record("m", p);
            if (p) toProbation++;
        }
        assertThat((double) toProbation / n).isLessThanOrEqualTo(0.1).isGreaterThan(0.09);
        assertThat(share.allows("other")).as("per model; the first contested request goes to a trusted node").isFalse();
    }

    @Test
    void aShareOfZeroNeverAndOneAlwaysAllows() {
        var none = new ProbationShare(0);
        var all = new ProbationShare(1);
        for (int i = 0; i < 100; i++) {
            assertThat(none.allows("m")).isFalse();
            none.record("m", false);
            assertThat(all.allows("m")).isTrue();
            all.record("m", true);
        }
    }

    @Test
    void theShareIsRecentNotLifelong() {
        var share = new ProbationShare(0.1);
        for (int i = 0; i < 10 * ProbationShare.WINDOW; i++) share.record("m", false);
        int burst = 0;
        for (int i = 0; i < 100 && share.allows("m"); i++) {
            share.record("m", true);
            burst++;
        }
        assertThat(burst).as("a long quiet history banks only about a window's share").isLessThanOrEqualTo(ProbationShare.WINDOW / 10 + 1);
        assertThat(burst).isPositive();
    }
}
