package dev.idleclaw.verify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per model digest and per node (its key, or its connection when anonymous), how often its re-run comparisons agreed.
 * A node whose agreement rate is far below its peers' for the same digest, after enough comparisons on both sides, is
 * an outlier. Counts decay (halved past {@link #WINDOW}), so old history fades. Bounded: {@link #MAX_DIGESTS} digests
 * of {@link #MAX_NODES} nodes each, least recently compared dropped first. Thread-safe.
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

    /** One node's counts for one digest. */
    record Rate(double agreed, double total) {
        double rate() {
            return total == 0 ? 1 : agreed / total;
        }
    }

    private final Map<String, Map<Object, double[]>> byDigest = lru(MAX_DIGESTS);

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Records one comparison of {@code node}'s answer for {@code digest}. */
    synchronized void record(String digest, Object node, boolean agreed) {
        double[] c = byDigest.computeIfAbsent(digest, d -> lru(MAX_NODES)).computeIfAbsent(node, n -> new double[2]);
        if (agreed) c[0]++;
        c[1]++;
        if (c[1] >= WINDOW) {
            c[0] /= 2;
            c[1] /= 2;
        }
    }

    /** {@code node}'s counts for {@code digest} (zero when never compared). */
    synchronized Rate rate(String digest, Object node) {
        var nodes = byDigest.get(digest);
        double[] c = nodes == null ? null : nodes.get(node);
        return c == null ? new Rate(0, 0) : new Rate(c[0], c[1]);
    }

    /** The other nodes' counts for {@code digest}, summed. */
    synchronized Rate peers(String digest, Object node) {
        var nodes = byDigest.get(digest);
        double agreed = 0, total = 0;
        if (nodes != null) {
            for (var e : nodes.entrySet()) {
                if (e.getKey().equals(node)) continue;
                agreed += e.getValue()[0];
                total += e.getValue()[1];
            }
        }
        return new Rate(agreed, total);
    }

    /** Whether {@code node}'s agreement for {@code digest} is far below its peers' after enough comparisons. */
    synchronized boolean outlier(String digest, Object node) {
        Rate own = rate(digest, node), others = peers(digest, node);
        return own.total() >= MIN_COMPARISONS && others.total() >= MIN_COMPARISONS && own.rate() < others.rate() - FAR_BELOW;
    }

    /** Forgets {@code node}'s counts for {@code digest} (after it was flagged: the next flag needs new evidence). */
    synchronized void forget(String digest, Object node) {
        var nodes = byDigest.get(digest);
        if (nodes != null) nodes.remove(node);
    }
}
