-- The ledger schema, one script for both SQLite and PostgreSQL: only TEXT, BIGINT and INTEGER columns, no
-- auto-increment (the application assigns receipts.seq under the totals row lock), no dialect-only syntax.
-- All times are Unix epoch milliseconds.

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE receipts (
    seq              BIGINT  NOT NULL PRIMARY KEY,  -- 1, 2, 3 … in commit order (= totals.receipts after the append)
    worker_pubkey    TEXT    NOT NULL,
    nonce            TEXT    NOT NULL,
    requester_pubkey TEXT    NOT NULL,              -- a lob1… key or 'anonymous'
    job_id           TEXT    NOT NULL,
    model            TEXT    NOT NULL,
    input_tokens     BIGINT  NOT NULL,
    output_tokens    BIGINT  NOT NULL,
    started_at       BIGINT  NOT NULL,
    completed_at     BIGINT  NOT NULL,
    signature        TEXT    NOT NULL,
    signed_json      TEXT    NOT NULL,              -- the SignedReceipt JSON exactly as recorded
    recorded_at      BIGINT  NOT NULL,
    CONSTRAINT receipts_worker_nonce UNIQUE (worker_pubkey, nonce)
);

-- Per-key balances, kept incrementally in each append's transaction. A receipt counts once per key involved.
CREATE TABLE accounts (
    pubkey   TEXT   NOT NULL PRIMARY KEY,
    earned   BIGINT NOT NULL DEFAULT 0,
    spent    BIGINT NOT NULL DEFAULT 0,
    receipts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX accounts_by_net ON accounts ((earned - spent) DESC, pubkey);

-- Whole-ledger sums: exactly one row (id = 1); its lock serialises appends.
CREATE TABLE totals (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    earned   BIGINT  NOT NULL,
    spent    BIGINT  NOT NULL,
    receipts BIGINT  NOT NULL
);
INSERT INTO totals (id, earned, spent, receipts) VALUES (1, 0, 0, 0);

-- Consumer request-signature nonces, remembered until they expire so a replay fails even after a restart.
CREATE TABLE request_nonces (
    pubkey     TEXT   NOT NULL,
    nonce      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (pubkey, nonce)
);
CREATE INDEX request_nonces_by_expiry ON request_nonces (expires_at);

-- Operator-issued API keys, stored only as the lowercase hex SHA-256 of the key.
CREATE TABLE api_keys (
    sha256     TEXT   NOT NULL PRIMARY KEY,
    pubkey     TEXT   NOT NULL,
    label      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_by_pubkey ON api_keys (pubkey);
