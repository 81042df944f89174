package dev.idleclaw.ledger;

/**
 * A request nonce was refused because too many are live already (for its key, or in all): the store of nonces is
 * bounded so throwaway keys cannot grow it without limit. Retry once older signatures have expired.
 */
public final class NonceLimitException extends RuntimeException {
    NonceLimitException(String message) {
        super(message);
    }
}
