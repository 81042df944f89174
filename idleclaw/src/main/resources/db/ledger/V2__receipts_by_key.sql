-- A caller sees only the receipts that name its key (docs/protocol.md "Who sees the ledger"): find them by key,
-- newest first, without scanning the whole ledger.
CREATE INDEX receipts_by_requester ON receipts (requester_pubkey, seq);
CREATE INDEX receipts_by_worker ON receipts (worker_pubkey, seq);
