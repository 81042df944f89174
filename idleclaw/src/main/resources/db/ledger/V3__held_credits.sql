-- Probation (docs/trust.md "Held credits"): what a node on probation earns is held, then released into earned when
-- it leaves probation or forfeited when it is caught. Receipts stay append-only: held_tokens is set once, at insert
-- (0 when the receipt's credit was not held). Invariant: spent = earned + held + forfeited, in totals and summed
-- over accounts; and Σ receipts.held_tokens = Σ held + Σ forfeited + Σ released (hold_outcomes).
ALTER TABLE receipts ADD COLUMN held_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN forfeited BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE totals ADD COLUMN forfeited BIGINT NOT NULL DEFAULT 0;

-- Append-only: each release or forfeiture of a key's held credits, for audit.
CREATE TABLE hold_outcomes (
    pubkey  TEXT   NOT NULL,
    outcome TEXT   NOT NULL,  -- 'released' or 'forfeited'
    tokens  BIGINT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX hold_outcomes_by_pubkey ON hold_outcomes (pubkey, at);
