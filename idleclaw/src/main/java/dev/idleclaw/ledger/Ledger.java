package dev.idleclaw.ledger;

import dev.idleclaw.receipt.SignedReceipt;
import java.util.List;
import java.util.Optional;

/**
 * The durable, append-only record of verified receipts and the balances derived from them. Balances are kept
 * incrementally in the same transaction as each receipt, so every read here is O(1) or one indexed query, never a
 * scan of the ledger. Two implementations share one set of Flyway migrations: an embedded SQLite file (one hub) and
 * PostgreSQL (many hubs). All methods are thread-safe; an append has reached the disk when it returns.
 */
public interface Ledger extends AutoCloseable {

    /** What {@link #append} did. */
    enum Append {
        ACCEPTED, DUPLICATE,
        /**
         * The database is unreachable: the receipt waits in memory and is written, in order, when it is back
         * (duplicates then are skipped by the unique nonce key); see {@link OutageBuffer}.
         */
        QUEUED
    }

    /**
     * Records an already verified receipt: the requester (unless anonymous) spends {@code tokens()} and the worker
     * earns them. {@link Append#DUPLICATE} (and no change at all) when a receipt with the same worker key and
     * nonce is already recorded.
     */
    default Append append(SignedReceipt receipt) {
        return append(receipt, true);
    }

    /**
     * Records an already verified receipt. Credit only moves, it is never made: when {@code debitRequester} is true
     * and the requester is not anonymous, the requester spends {@code tokens()} and the worker earns them; otherwise
     * the receipt is kept as signed and counted on the worker's account, and nobody's credit moves (docs/protocol.md
     * "What serving earns"). False is for a requester that only <em>named</em> itself (a Lobstah router's bare
     * {@code x-lobstah-requester}, lobstah-wire.md §12 #1): nobody can spend someone else's credit by naming their
     * key, and a node cannot earn by serving requests nobody pays for (its own, sent anonymously). The receipt row
     * itself does not record the choice.
     */
    default Append append(SignedReceipt receipt, boolean debitRequester) {
        return append(receipt, debitRequester, false);
    }

    /**
     * As {@link #append(SignedReceipt, boolean)}; with {@code hold}, what the worker earns is held instead (a node on
     * probation, docs/trust.md "Held credits"): the requester is debited as usual, the worker's credit waits in
     * {@link Account#held()} until {@link #release} or {@link #forfeit}.
     */
    Append append(SignedReceipt receipt, boolean debitRequester, boolean hold);

    /** Moves everything {@code pubkey} has held into its earned credit; how much moved (0: nothing was held). */
    long release(String pubkey);

    /** Forfeits everything {@code pubkey} has held (nobody gets it; the requesters stay debited); how much. */
    long forfeit(String pubkey);

    /** One key's account; an unknown key has zeros and the full bootstrap allowance. */
    Account account(String pubkey);

    /** Sums over the whole ledger (kept incrementally). */
    Totals totals();

    /** The accounts with the most available credit first, at most {@code limit}. */
    List<Account> accounts(int limit);

    /** The newest receipts first, at most {@code limit}. */
    List<SignedReceipt> recent(int limit);

    /** The newest receipts naming {@code pubkey} as requester or worker first, at most {@code limit}. */
    List<SignedReceipt> recent(String pubkey, int limit);

    /**
     * Remembers a consumer request signature's nonce until {@code expiresAtMillis}; false when this key already
     * used it (a replay). Survives restarts; expired nonces are forgotten. The live ones are bounded per key and in
     * all: beyond either bound this throws {@link NonceLimitException}.
     */
    boolean claimRequestNonce(String pubkey, String nonce, long expiresAtMillis);

    /** Binds an API key (stored only as its SHA-256) to a public key. */
    void addApiKey(byte[] sha256, String pubkey, String label);

    /** Removes every API key bound to {@code pubkey}; how many went. */
    int removeApiKeys(String pubkey);

    /** The public key an API key (given as its SHA-256) is bound to. */
    Optional<String> apiKeyOwner(byte[] sha256);

    /** Every bound API key's public key and label (never the key). */
    List<ApiKey> apiKeys();

    /** {@code pubkey}'s stored node standing (docs/trust.md "Persistence"), empty when none was saved. */
    Optional<NodeStanding> standing(String pubkey);

    /**
     * Saves node standings (each replacing the key's row) and appends reputation changes, all in one transaction.
     * Standings are the trust rules' state, not credit: the hub writes them behind its in-memory copy.
     */
    void saveStandings(List<NodeStanding> standings, List<ReputationChange> changes);

    /** {@code pubkey}'s reputation changes, newest first, at most {@code limit}. */
    List<ReputationChange> reputationHistory(String pubkey, int limit);

    /** The bootstrap allowance every new key starts with. */
    long bootstrapAllowance();

    @Override
    void close();

    /**
     * One key's credit: {@code available = allowance + earned − spent}. {@code held}: earned on probation, not yet
     * available; {@code forfeited}: held credit lost when the key was caught.
     */
    record Account(String pubkey, long earned, long spent, long receipts, long allowance, long held, long forfeited) {
        /** An account with nothing held or forfeited. */
        public Account(String pubkey, long earned, long spent, long receipts, long allowance) {
            this(pubkey, earned, spent, receipts, allowance, 0, 0);
        }

        public long net() {
            return earned - spent;
        }

        public long available() {
            return allowance + earned - spent;
        }
    }

    /**
     * Whole-ledger sums. Credit only moves, so {@code spent = earned + held + forfeited} always: every debited token
     * is earned, held or forfeited, and nobody earns what nobody was debited for.
     */
    record Totals(long earned, long spent, long receipts, long held, long forfeited) {
        /** Totals with nothing held or forfeited. */
        public Totals(long earned, long spent, long receipts) {
            this(earned, spent, receipts, 0, 0);
        }
    }

    /** An operator-issued API key's binding (the key itself is never stored). */
    record ApiKey(String pubkey, String label, long createdAt) {}
}
