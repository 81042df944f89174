package dev.idleclaw.registry;

import dev.idleclaw.ledger.NodeStanding;
import dev.idleclaw.ledger.ReputationChange;
import java.util.List;
import java.util.Optional;

/**
 * Where node standings outlive the process (docs/trust.md "Persistence"): the ledger database, shared by every hub of
 * a cluster. The hub keeps standings in memory and only loads a key's when it connects; {@link #write} must return
 * at once (it runs under the scheduler's lock), the writing happens behind it.
 */
public interface StandingStore {
    /** The stored standing of {@code pubkey}; may throw when the database cannot be read (the caller keeps memory). */
    Optional<NodeStanding> load(String pubkey);

    /** Queues changed standings and reputation changes for writing; never waits. */
    void write(List<NodeStanding> standings, List<ReputationChange> changes);

    /** Keeps nothing: a hub without a ledger behind its standings (and the unit tests). */
    StandingStore NONE = new StandingStore() {
        @Override
        public Optional<NodeStanding> load(String pubkey) {
            return Optional.empty();
        }

        @Override
        public void write(List<NodeStanding> standings, List<ReputationChange> changes) {}
    };
}
