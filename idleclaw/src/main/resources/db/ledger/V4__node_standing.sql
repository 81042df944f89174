-- Node standing (docs/trust.md "Persistence"): what every hub sharing this database thinks of a node key, so a
-- restart or a reconnection through another hub does not make a convicted or probationary node a newcomer again.
-- Same dialect rules as V1: TEXT, BIGINT and INTEGER only. Reputation is kept in millionths (the rules round it to
-- 1e-6 anyway), so both databases store it exactly.

-- One row per key, replaced as a whole on each change (the latest writer wins; updated_at says which is newer).
CREATE TABLE node_standing (
    pubkey                   TEXT    NOT NULL PRIMARY KEY,
    reputation_micros        BIGINT  NOT NULL,
    checks_passed            INTEGER NOT NULL,
    clean_answers            INTEGER NOT NULL,  -- consumer answers without a flag since probation (re)started
    flags                    BIGINT  NOT NULL,  -- suspicion flags ever raised against the key
    flags_at_probation_start BIGINT  NOT NULL,
    left_probation           INTEGER NOT NULL,  -- 1: it left probation
    verdict                  TEXT    NOT NULL,  -- 'none', 'trusted' or 'suspended' (the operator's word)
    convictions              INTEGER NOT NULL,
    barred_until             BIGINT  NOT NULL,  -- epoch millis; 0: not barred
    flags_at_conviction      BIGINT  NOT NULL,
    updated_at               BIGINT  NOT NULL
);

-- Append-only: every change of a key's reputation, with why.
CREATE TABLE reputation_history (
    at                BIGINT NOT NULL,
    pubkey            TEXT   NOT NULL,
    change_micros     BIGINT NOT NULL,
    reputation_micros BIGINT NOT NULL,  -- after the change
    reason            TEXT   NOT NULL
);
CREATE INDEX reputation_history_by_pubkey ON reputation_history (pubkey, at);
