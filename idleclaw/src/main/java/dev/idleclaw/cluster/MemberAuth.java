package dev.idleclaw.cluster;

import dev.idleclaw.auth.ForwardSignature;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the internal route (docs/protocol.md "Cluster forwarding"): only a forward signature
 * ({@link ForwardSignature}) over this exact request to this member's host, by a key that is a current member of the
 * cluster, timestamped within {@link #CLUSTER_SKEW_MILLIS} of this hub's clock and not before this hub started, with a
 * nonce this hub has not seen ({@link ForwardNonces}: the signature names this hub's host, so no other member would take it).
 */
final class MemberAuth {
    private static final Logger log = LoggerFactory.getLogger(MemberAuth.class);
    /**
     * How far a member's clock may be from this hub's: members are run by one operator on synced clocks, so far
     * tighter than a consumer's five minutes; a forward outside it is refused (and its nonce need be kept no longer).
     */
    static final long CLUSTER_SKEW_MILLIS = 30_000;
    /** HTTP's "Loop Detected": a forward whose path already crossed this hub. */
    static final int LOOP_DETECTED = 508;

    /** Why a forward was refused, with the status that says so. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final Predicate<String> member;
    private final ForwardNonces nonces;
    private final String ownKey;
    private final String host;
    private final String path;

    /**
     * {@code member}: whether a key is a current member (from the directory); {@code host} and {@code path}: this
     * hub's cluster URL's host (as a client sends it) and the internal route under it, which a signature must name.
     */
    MemberAuth(Predicate<String> member, ForwardNonces nonces, String ownKey, String host, String path) {
        this.member = member;
        this.nonces = nonces;
        this.ownKey = ownKey;
        this.host = host;
        this.path = path;
    }

    /** The verified forward of a {@code POST} with {@code body}, or why it is refused. */
    ForwardSignature.Forward verify(Function<String, String> header, byte[] body, long nowMillis) throws Refused {
        var verdict = ForwardSignature.verify(header, "POST", path, host, body, nowMillis);
        ForwardSignature.Forward f = switch (verdict) {
            case ForwardSignature.Verdict.Absent a ->
                    throw refused(401, "this route takes only requests signed by a member of the cluster (x-idleclaw-forward-* headers)");
            case ForwardSignature.Verdict.Invalid i -> throw refused(401, "invalid forward signature: " + i.reason());
            case ForwardSignature.Verdict.Valid v -> v.forward();
        };
        if (!member.test(f.forwarder())) {
            throw refused(403, "the forwarding key " + f.forwarder() + " is not a current member of this cluster");
        }
        if (Math.abs(nowMillis - f.timestamp()) > CLUSTER_SKEW_MILLIS) {
            throw refused(401, "stale or future timestamp: the forwarding hub's clock is more than "
                               + CLUSTER_SKEW_MILLIS / 1000 + " s from this hub's");
        }
        if (f.via().contains(ownKey)) throw refused(LOOP_DETECTED, "loop detected: the forward already crossed this hub");
        switch (nonces.claim(f.forwarder(), f.nonce(), f.timestamp(), nowMillis)) {
            case CLAIMED -> { }
            case REPLAYED -> throw refused(401, "replayed forward signature");
            case BEFORE_START -> throw refused(401, "the forward was signed before this hub started: sign it again");
            case FULL -> throw refused(429, "too many forwards in the last minute (at most " + nonces.maxLive() + "); retry later");
        }
        return f;
    }

    private static Refused refused(int status, String message) {
        log.info("refused a cluster forward: {}", message);
        return new Refused(status, message);
    }
}
