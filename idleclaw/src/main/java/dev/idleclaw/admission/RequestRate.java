package dev.idleclaw.admission;

import dev.idleclaw.relay.Caller;
import dev.idleclaw.front.Headers;

/**
 * {@link Admission}'s rate step: one token from the client's bucket for the path's kind (chat, lookups; none for
 * paths without a bucket), or 429 with {@code Retry-After}. The chat budget is the anonymous free tier, so a caller
 * spending its own credit is not held to it.
 */
public final class RequestRate implements Step {
    private final RateBudget limiter;

    public RequestRate(RateBudget limiter) {
        this.limiter = limiter;
    }

    @Override
    public boolean pass(Admitting request) {
        RateLimiter.Kind kind = RateLimiter.kindOf(request.ctx().path());
        if (kind == null) return true;
        if (kind == RateLimiter.Kind.CHAT && request.credentials() instanceof Caller c && c.credited()) return true;
        long wait = limiter.take(kind, request.client());
        if (wait <= 0) return true;
        request.ctx().header(Headers.RETRY_AFTER, Long.toString(wait));
        request.refuse(429, "Too many requests");
        return false;
    }
}
