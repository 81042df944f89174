package dev.idleclaw.ledger;

/**
 * The ledger's statements. Each one runs unchanged on SQLite (≥ 3.24, for upserts) and PostgreSQL, so both
 * implementations share every line of SQL as well as the migrations.
 */
final class LedgerSql {
    private LedgerSql() {}

    static final String TOTALS = "SELECT earned, spent, receipts, held, forfeited FROM totals WHERE id = 1";
    /** A batch's totals in one statement; run first with zeros to take the row lock before reading the sequence. */
    static final String ADD_TOTALS = """
            UPDATE totals SET earned = earned + ?, spent = spent + ?, receipts = receipts + ?, held = held + ?,
                forfeited = forfeited + ? WHERE id = 1""";
    /** A batch's change to one account ({@code receipts} = how many of the batch's receipts name it). */
    static final String CREDIT_ACCOUNT_BY = """
            INSERT INTO accounts (pubkey, earned, spent, receipts, held) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (pubkey) DO UPDATE SET earned = accounts.earned + excluded.earned,
                spent = accounts.spent + excluded.spent, receipts = accounts.receipts + excluded.receipts,
                held = accounts.held + excluded.held""";
    static final String HELD = "SELECT held FROM accounts WHERE pubkey = ?";
    /** Moves an account's held credit into earned ({@code ?} = the held amount read under the totals lock). */
    static final String RELEASE = "UPDATE accounts SET earned = earned + ?, held = held - ? WHERE pubkey = ?";
    static final String FORFEIT = "UPDATE accounts SET forfeited = forfeited + ?, held = held - ? WHERE pubkey = ?";
    static final String HOLD_OUTCOME = "INSERT INTO hold_outcomes (pubkey, outcome, tokens, at) VALUES (?, ?, ?, ?)";
    static final String INSERT_RECEIPT = """
            INSERT INTO receipts (seq, worker_pubkey, nonce, requester_pubkey, job_id, model, input_tokens,
                                  output_tokens, started_at, completed_at, signature, signed_json, recorded_at, held_tokens)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (worker_pubkey, nonce) DO NOTHING""";
    static final String ACCOUNT = "SELECT pubkey, earned, spent, receipts, held, forfeited FROM accounts WHERE pubkey = ?";
    static final String ACCOUNTS = """
            SELECT pubkey, earned, spent, receipts, held, forfeited FROM accounts
            ORDER BY (earned - spent) DESC, pubkey LIMIT ?""";
    static final String RECENT = "SELECT seq, signed_json FROM receipts ORDER BY seq DESC LIMIT ?";
    static final String RECENT_OF = """
            SELECT seq, signed_json FROM receipts WHERE requester_pubkey = ? OR worker_pubkey = ?
            ORDER BY seq DESC LIMIT ?""";

    /** Inserts, or replaces an expired row; an unexpired row stays and the update count is 0 (a replay). */
    static final String CLAIM_NONCE = """
            INSERT INTO request_nonces (pubkey, nonce, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (pubkey, nonce) DO UPDATE SET expires_at = excluded.expires_at
            WHERE request_nonces.expires_at <= ?""";
    /** Live nonces of one key, counted no further than the cap (the primary key's prefix serves it). */
    static final String LIVE_NONCES_OF = """
            SELECT count(*) FROM (SELECT 1 FROM request_nonces WHERE pubkey = ? AND expires_at > ? LIMIT ?) AS live""";
    /** Live nonces of all keys, counted no further than the cap (the expiry index serves it). */
    static final String LIVE_NONCES = """
            SELECT count(*) FROM (SELECT 1 FROM request_nonces WHERE expires_at > ? LIMIT ?) AS live""";
    static final String PURGE_NONCES = """
            DELETE FROM request_nonces WHERE expires_at <= ? AND (pubkey, nonce) IN
                (SELECT pubkey, nonce FROM request_nonces WHERE expires_at <= ? LIMIT ?)""";

    /** Re-adding a key's hash rebinds it (the operator's latest word wins). */
    static final String ADD_API_KEY = """
            INSERT INTO api_keys (sha256, pubkey, label, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (sha256) DO UPDATE SET pubkey = excluded.pubkey, label = excluded.label,
                created_at = excluded.created_at""";
    static final String REMOVE_API_KEYS = "DELETE FROM api_keys WHERE pubkey = ?";
    static final String API_KEY_OWNER = "SELECT pubkey FROM api_keys WHERE sha256 = ?";
    static final String API_KEYS = "SELECT pubkey, label, created_at FROM api_keys ORDER BY created_at, pubkey, label LIMIT ?";

    /** A key's standing, replaced whole: the row is a snapshot of the rules' state, not a sum. */
    static final String SAVE_STANDING = """
            INSERT INTO node_standing (pubkey, reputation_micros, checks_passed, clean_answers, flags,
                flags_at_probation_start, left_probation, verdict, convictions, barred_until, flags_at_conviction, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (pubkey) DO UPDATE SET reputation_micros = excluded.reputation_micros,
                checks_passed = excluded.checks_passed, clean_answers = excluded.clean_answers, flags = excluded.flags,
                flags_at_probation_start = excluded.flags_at_probation_start, left_probation = excluded.left_probation,
                verdict = excluded.verdict, convictions = excluded.convictions, barred_until = excluded.barred_until,
                flags_at_conviction = excluded.flags_at_conviction, updated_at = excluded.updated_at""";
    static final String STANDING = """
            SELECT pubkey, reputation_micros, checks_passed, clean_answers, flags, flags_at_probation_start,
                left_probation, verdict, convictions, barred_until, flags_at_conviction, updated_at
            FROM node_standing WHERE pubkey = ?""";
    static final String ADD_REPUTATION_CHANGE = """
            INSERT INTO reputation_history (at, pubkey, change_micros, reputation_micros, reason) VALUES (?, ?, ?, ?, ?)""";
    /** Newest first (the index serves it). */
    static final String REPUTATION_HISTORY = """
            SELECT at, pubkey, change_micros, reputation_micros, reason FROM reputation_history WHERE pubkey = ?
            ORDER BY at DESC LIMIT ?""";
}
