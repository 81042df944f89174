package dev.idleclaw.ledger;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.SignedReceipt;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Signed receipts for tests, and the balances a receipts table implies (recomputed the slow way). */
final class Receipts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Receipts() {}

    static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    static SignedReceipt signed(Identity worker, String requester, long in, long out) {
        return signed(worker, requester, nonce(), in, out);
    }

    static SignedReceipt signed(Identity worker, String requester, String nonce, long in, long out) {
        long now = System.currentTimeMillis();
        return SignedReceipt.sign(new Receipt(Receipt.VERSION, UUID.randomUUID().toString(), nonce, requester,
                worker.publicKey(), "llama3.2:1b", in, out, now - 1_000, now), worker);
    }

    /** Per-key (earned, spent, receipts) and totals as the receipts table implies them. */
    record Recomputed(Map<String, Ledger.Account> accounts, Ledger.Totals totals, long rows, long distinct) {}

    static Recomputed recompute(Connection c, long allowance) throws SQLException {
        Map<String, long[]> sums = new HashMap<>();
        Set<String> keys = new HashSet<>();
        long earned = 0, spent = 0, rows = 0;
        try (var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT worker_pubkey, requester_pubkey, nonce, input_tokens + output_tokens FROM receipts")) {
            while (rs.next()) {
                String worker = rs.getString(1), requester = rs.getString(2);
                long t = rs.getLong(4);
                rows++;
                keys.add(worker + "/" + rs.getString(3));
                long[] w = sums.computeIfAbsent(worker, k -> new long[3]);
                w[2]++;
                if (!Receipt.ANONYMOUS.equals(requester)) {
                    earned += t;
                    w[0] += t;
                    spent += t;
                    long[] r = sums.computeIfAbsent(requester, k -> new long[3]);
                    r[1] += t;
                    if (!requester.equals(worker)) r[2]++;
                }
            }
        }
        Map<String, Ledger.Account> accounts = new HashMap<>();
        sums.forEach((k, v) -> accounts.put(k, new Ledger.Account(k, v[0], v[1], v[2], allowance)));
        return new Recomputed(accounts, new Ledger.Totals(earned, spent, rows), rows, keys.size());
    }

    /** The accounts table as stored. */
    static Map<String, Ledger.Account> storedAccounts(Connection c, long allowance) throws SQLException {
        Map<String, Ledger.Account> out = new HashMap<>();
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT pubkey, earned, spent, receipts FROM accounts")) {
            while (rs.next()) out.put(rs.getString(1), new Ledger.Account(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), allowance));
        }
        return out;
    }
}
