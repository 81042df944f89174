package dev.idleclaw.admission;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.ledger.Ledger;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the caller of a request (docs/protocol.md "Consumer authentication"): a valid request signature whose
 * nonce is new, or an {@code ick_} API key an operator bound to a key (in
 * {@code Authorization: Bearer} or, for Anthropic's clients, {@code x-api-key}); nothing = anonymous. A signature or API key
 * that is present but wrong is refused (401), never downgraded to anonymous, so nobody mistakes a failed login
 * for a free answer.
 */
public final class CallerAuth {
    private static final Logger log = LoggerFactory.getLogger(CallerAuth.class);
    /** HTTP's "Loop Detected": a forwarded request that already crossed this hub, or too many hubs. */
    static final int LOOP_DETECTED = 508;
    /** The nonce store is full for this key (or in all): the caller should slow down, as for any rate limit. */
    static final int TOO_MANY_SIGNED = 429;
    /**
     * When the ledger database is unreachable, a request with credentials is refused with 503 and this Retry-After:
     * the ledger retries the database every second and its pool gives up on a connection after five.
     */
    public static final long LEDGER_RETRY_AFTER_SECONDS = 5;
    /** The 503's text: why, and what the caller can do meanwhile. */
    static final String LEDGER_UNAVAILABLE = "the hub's ledger database is unreachable, and a signed or API-key request"
            + " needs it to check its nonce and balance: retry shortly, or send the request without credentials to be"
            + " served anonymously";
    private final Ledger ledger;
    private final String ownKey;
    private final Predicate<String> trustedForwarder;
    private final SignedHost signedHost;

    /**
     * {@code trustedForwarder}: keys whose "on behalf of" this hub honours (its peers); others spend their own credit.
     * {@code signedHost}: which host a signature must name.
     */
    public CallerAuth(Ledger ledger, String ownKey, Predicate<String> trustedForwarder, SignedHost signedHost) {
        this.ledger = ledger;
        this.ownKey = ownKey;
        this.trustedForwarder = trustedForwarder;
        this.signedHost = signedHost;
    }

    /** Why a request's credentials were refused, and the status that says so. */
    public static final class Refused extends Exception {
        public final int status;
        /** A Retry-After hint in seconds; 0 for none. */
        public final long retryAfterSeconds;

        Refused(String message) {
            this(401, message);
        }

        Refused(int status, String message) {
            this(status, message, 0);
        }

        Refused(int status, String message, long retryAfterSeconds) {
            super(message, null, false, false);
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /**
     * The caller, or the refusal of its credentials. Credentials need the ledger (a nonce to claim, a key to look up,
     * a balance to read): while its database is unreachable they are refused with 503 (docs/operations.md), never
     * downgraded to anonymous; a request without credentials does not touch the ledger and is served.
     */
    Caller resolve(Context ctx, byte[] body) throws Refused {
        try {
            return resolveChecked(ctx, body);
        } catch (dev.idleclaw.ledger.LedgerException e) {
            if (!e.unavailable()) throw e;
            throw new Refused(503, LEDGER_UNAVAILABLE, LEDGER_RETRY_AFTER_SECONDS);
        }
    }

    private Caller resolveChecked(Context ctx, byte[] body) throws Refused {
        String query = ctx.queryString();
        String path = ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
        String host = signedHost.of(ctx.req().getRemoteAddr(), ctx::header);
        switch (ForwardSignature.verify(ctx::header, ctx.method().name(), path, host, body, System.currentTimeMillis())) {
            case ForwardSignature.Verdict.Valid v -> {
                return forwarded(v.forward());
            }
            case ForwardSignature.Verdict.Invalid i -> {
                log.info("refused a forwarded request: {} (checked for host {})", i.reason(), host);
                throw new Refused("invalid forward signature: " + i.reason());
            }
            case ForwardSignature.Verdict.Absent a -> { }
        }
        var verdict = RequestSignature.verify(ctx::header, ctx.method().name(), path, host, body, System.currentTimeMillis());
        switch (verdict) {
            case RequestSignature.Verdict.Valid v -> {
                if (!claim(v.pubkey(), v.nonce(), v.nonceExpiresAt())) {
                    log.info("refused a replayed request signature from {}", v.pubkey());
                    throw new Refused("replayed request signature");
                }
                return credited(v.pubkey());
            }
            case RequestSignature.Verdict.Invalid i -> {
                log.info("refused a request signature: {} (checked for host {})", i.reason(), host);
                throw new Refused("invalid request signature: " + i.reason());
            }
            case RequestSignature.Verdict.Absent a -> {
                Optional<String> key = ApiKeys.fromAuthorization(ctx.header("Authorization"))
                        .or(() -> ApiKeys.fromApiKeyHeader(ctx.header("x-api-key")));
                if (key.isEmpty()) return Caller.ANONYMOUS;
                Optional<String> owner = ledger.apiKeyOwner(ApiKeys.sha256(key.get()));
                if (owner.isEmpty()) throw new Refused("invalid API key");
                return credited(owner.get());
            }
        }
    }

    /**
     * A request another hub forwarded: refused if it already crossed this hub or too many hubs; otherwise the
     * caller it names when this hub trusts the forwarder (a peer), else the forwarder itself, which then spends
     * its own credit — so no hub can spend a third party's credit here.
     */
    private Caller forwarded(ForwardSignature.Forward f) throws Refused {
        if (f.via().contains(ownKey) || f.hops() >= ForwardSignature.MAX_HOPS) {
            log.info("refused a forwarded request that would loop (hops {}, via {})", f.hops(), f.via());
            throw new Refused(LOOP_DETECTED, "loop detected");
        }
        if (!claim(f.forwarder(), f.nonce(), f.timestamp() + RequestSignature.MAX_SKEW_MILLIS)) {
            throw new Refused("replayed forward signature");
        }
        boolean trusted = trustedForwarder.test(f.forwarder());
        String who = trusted ? (f.onBehalfOf().equals("anonymous") ? null : f.onBehalfOf()) : f.forwarder();
        return new Caller(who, who != null && ledger.account(who).available() > 0, f.via());
    }

    /** Claims a signature's nonce; false for a replay, 429 when the bounded nonce store is full. */
    private boolean claim(String pubkey, String nonce, long expiresAt) throws Refused {
        try {
            return ledger.claimRequestNonce(pubkey, nonce, expiresAt);
        } catch (dev.idleclaw.ledger.NonceLimitException e) {
            throw new Refused(TOO_MANY_SIGNED, e.getMessage());
        }
    }

    private Caller credited(String pubkey) {
        return Caller.verified(pubkey, ledger.account(pubkey).available() > 0);
    }
}
