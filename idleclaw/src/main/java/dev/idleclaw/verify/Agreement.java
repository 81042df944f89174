package dev.idleclaw.verify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per model digest and per node (its key, or its connection when anonymous), how often its re-run comparisons agreed.
 * A node whose agreement rate is far below its peers' for the same digest, after enough comparisons on both sides, is
 * an outlier. Counts decay (halved past {@link #WINDOW}), so old history fades. Each node's comparisons are also kept
 * per counterpart, so that when a node is convicted ({@link #forget}) the disagreements it caused are taken back from
 * the nodes it was compared with: otherwise an honest node often paired with a liar before the liar was caught stays
 * far below peers that met the liar less, and is flagged in turn. Bounded: {@link #MAX_DIGESTS} digests of
 * {@link #MAX_NODES} nodes each, least recently compared dropped first, and {@link #MAX_COUNTERPARTS} counterparts per
 * node. Thread-safe.
 */
final class Agreement {
    /** Comparisons a node (and its peers together) need before its rate is judged: fewer is noise. */
    static final int MIN_COMPARISONS = 20;
    /** How far below its peers' rate a node's must be to be an outlier: honest nodes differ by a few points. */
    static final double FAR_BELOW = 0.3;
    /** Counts are halved once a node has this many comparisons: recent behaviour weighs more than old. */
    static final int WINDOW = 200;
    /** Digests tracked at once: far above the models one hub serves. */
    static final int MAX_DIGESTS = 256;
    /** Nodes tracked per digest. */
    static final int MAX_NODES = 512;
    /** Counterparts remembered per node: a re-run's second node is chosen among a model's few nodes. */
    static final int MAX_COUNTERPARTS = 64;

    /** One node's counts for one digest. */
    record Rate(double agreed, double total) {
        double rate() {
            return total == 0 ? 1 : agreed / total;
        }
    }

    /** One node's counts for one digest, in all and per counterpart. */
    private static final class Counts {
        double agreed, total;
        final Map<Object, double[]> with = lru(MAX_COUNTERPARTS);
    }

    private final Map<String, Map<Object, Counts>> byDigest = lru(MAX_DIGESTS);

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Records one comparison of {@code node}'s answer for {@code digest}, against an unknown counterpart. */
    void record(String digest, Object node, boolean agreed) {
        record(digest, node, null, agreed);
    }

    /** Records one comparison of {@code node}'s answer for {@code digest} with {@code counterpart}'s (null: several). */
    synchronized void record(String digest, Object node, Object counterpart, boolean agreed) {
        Counts c = byDigest.computeIfAbsent(digest, d -> lru(MAX_NODES)).computeIfAbsent(node, n -> new Counts());
        double[] pair = counterpart == null ? null : c.with.computeIfAbsent(counterpart, k -> new double[2]);
        if (agreed) {
            c.agreed++;
            if (pair != null) pair[0]++;
        }
        c.total++;
        if (pair != null) pair[1]++;
        if (c.total >= WINDOW) {
            c.agreed /= 2;
            c.total /= 2;
            for (double[] p : c.with.values()) {
                p[0] /= 2;
                p[1] /= 2;
            }
        }
    }

    /** {@code node}'s counts for {@code digest} (zero when never compared). */
    synchronized Rate rate(String digest, Object node) {
        var nodes = byDigest.get(digest);
        Counts c = nodes == null ? null : nodes.get(node);
        return c == null ? new Rate(0, 0) : new Rate(c.agreed, c.total);
    }

    /** The other nodes' counts for {@code digest}, summed. */
    synchronized Rate peers(String digest, Object node) {
        var nodes = byDigest.get(digest);
        double agreed = 0, total = 0;
        if (nodes != null) {
            for (var e : nodes.entrySet()) {
                if (e.getKey().equals(node)) continue;
                agreed += e.getValue().agreed;
                total += e.getValue().total;
            }
        }
        return new Rate(agreed, total);
    }

    /** Whether {@code node}'s agreement for {@code digest} is far below its peers' after enough comparisons. */
    synchronized boolean outlier(String digest, Object node) {
        Rate own = rate(digest, node), others = peers(digest, node);
        return own.total() >= MIN_COMPARISONS && others.total() >= MIN_COMPARISONS && own.rate() < others.rate() - FAR_BELOW;
    }

    /**
     * Forgets {@code node}'s counts for {@code digest} (after it was flagged: the next flag needs new evidence), and
     * takes its comparisons back from every node it was compared with.
     */
    synchronized void forget(String digest, Object node) {
        var nodes = byDigest.get(digest);
        if (nodes == null) return;
        nodes.remove(node);
        for (Counts c : nodes.values()) {
            double[] pair = c.with.remove(node);
            if (pair == null) continue;
            c.agreed = Math.max(0, c.agreed - pair[0]);
            c.total = Math.max(0, c.total - pair[1]);
        }
    }
}
