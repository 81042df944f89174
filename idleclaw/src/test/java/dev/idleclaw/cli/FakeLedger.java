package dev.idleclaw.cli;

import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.receipt.SignedReceipt;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link Ledger} holding only API keys (what {@code server keys} uses); the rest is unsupported. */
final class FakeLedger implements Ledger {
    record Row(String pubkey, String label, long createdAt) {}

    final Map<ByteBuffer, Row> keys = new LinkedHashMap<>();
    final List<String> openedTargets = new ArrayList<>();
    int closes;
    private long clock = 1_700_000_000_000L;

    /** The opener the command uses: records the target and hands out this ledger. */
    Ledger open(String target) {
        openedTargets.add(target);
        return this;
    }

    @Override
    public void addApiKey(byte[] sha256, String pubkey, String label) {
        keys.put(ByteBuffer.wrap(sha256.clone()), new Row(pubkey, label, clock++));
    }

    @Override
    public int removeApiKeys(String pubkey) {
        int before = keys.size();
        keys.values().removeIf(r -> r.pubkey().equals(pubkey));
        return before - keys.size();
    }

    @Override
    public Optional<String> apiKeyOwner(byte[] sha256) {
        return Optional.ofNullable(keys.get(ByteBuffer.wrap(sha256))).map(Row::pubkey);
    }

    @Override
    public List<ApiKey> apiKeys() {
        return keys.values().stream().map(r -> new ApiKey(r.pubkey(), r.label(), r.createdAt())).toList();
    }

    @Override
    public void close() {
        closes++;
    }

    @Override
    public Append append(SignedReceipt receipt, boolean debitRequester, boolean hold) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long release(String pubkey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long forfeit(String pubkey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Account account(String pubkey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Totals totals() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Account> accounts(int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<SignedReceipt> recent(int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<SignedReceipt> recent(String pubkey, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean claimRequestNonce(String pubkey, String nonce, long expiresAtMillis) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long bootstrapAllowance() {
        return 10_000;
    }

    @Override
    public Optional<dev.idleclaw.ledger.NodeStanding> standing(String pubkey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void saveStandings(List<dev.idleclaw.ledger.NodeStanding> standings, List<dev.idleclaw.ledger.ReputationChange> changes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<dev.idleclaw.ledger.ReputationChange> reputationHistory(String pubkey, int limit) {
        throw new UnsupportedOperationException();
    }
}
