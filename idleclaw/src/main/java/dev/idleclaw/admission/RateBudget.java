package dev.idleclaw.admission;

/**
 * Where the per-client request budgets are kept: this hub's memory ({@link RateLimiter}) or, for a hub in a cluster,
 * the cluster's shared store, so a client's budget holds across every hub.
 */
public interface RateBudget {
    /** Takes one token; returns 0 when allowed, else the whole seconds a client should wait ({@code Retry-After}). */
    long take(RateLimiter.Kind kind, String client);
}
