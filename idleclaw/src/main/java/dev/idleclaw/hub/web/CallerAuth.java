package dev.idleclaw.hub.web;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.front.Caller;
import dev.idleclaw.ledger.Ledger;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the caller of a request (docs/protocol.md "Consumer authentication"): a valid request signature whose
 * nonce is new, or an {@code ick_} API key an operator bound to a key; nothing = anonymous. A signature or API key
 * that is present but wrong is refused (401), never downgraded to anonymous, so nobody mistakes a failed login
 * for a free answer.
 */
final class CallerAuth {
    private static final Logger log = LoggerFactory.getLogger(CallerAuth.class);
    private final Ledger ledger;

    CallerAuth(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Why a request's credentials were refused. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    Caller resolve(Context ctx, byte[] body) throws Refused {
        String query = ctx.queryString();
        String path = ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
        String host = ctx.header("Host") == null ? "" : ctx.header("Host");
        var verdict = RequestSignature.verify(ctx::header, ctx.method().name(), path, host, body, System.currentTimeMillis());
        switch (verdict) {
            case RequestSignature.Verdict.Valid v -> {
                if (!ledger.claimRequestNonce(v.pubkey(), v.nonce(), v.nonceExpiresAt())) {
                    log.info("refused a replayed request signature from {}", v.pubkey());
                    throw new Refused("replayed request signature");
                }
                return credited(v.pubkey());
            }
            case RequestSignature.Verdict.Invalid i -> {
                log.info("refused a request signature: {}", i.reason());
                throw new Refused("invalid request signature: " + i.reason());
            }
            case RequestSignature.Verdict.Absent a -> {
                Optional<String> key = ApiKeys.fromAuthorization(ctx.header("Authorization"));
                if (key.isEmpty()) return Caller.ANONYMOUS;
                Optional<String> owner = ledger.apiKeyOwner(ApiKeys.sha256(key.get()));
                if (owner.isEmpty()) throw new Refused("invalid API key");
                return credited(owner.get());
            }
        }
    }

    private Caller credited(String pubkey) {
        return Caller.verified(pubkey, ledger.account(pubkey).available() > 0);
    }
}
