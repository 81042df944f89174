package dev.idleclaw.server;

import dev.idleclaw.admission.Admission;
import dev.idleclaw.admission.Admitting;
import dev.idleclaw.admission.CallerAuth;
import dev.idleclaw.registry.BanList;
import dev.idleclaw.relay.Caller;

/** {@link Admission}'s caller steps: the proved caller (or the refusal of its credentials), then a named requester. */
final class Authenticate {
    private Authenticate() {}

    /**
     * The caller the credentials prove (anonymous without any); wrong credentials are refused in the door's shape, and
     * so (403) is a banned address or key, before and after the credentials are checked.
     */
    static boolean caller(Admitting request, BanList bans) {
        if (bans.banned(null, request.client())) {
            request.refuse(403, "Banned by the hub's operator");
            return false;
        }
        switch (request.credentials()) {
            case CallerAuth.Refused e -> {
                if (e.retryAfterSeconds > 0) request.ctx().header("Retry-After", Long.toString(e.retryAfterSeconds));
                request.refuse(e.status, e.getMessage());
                return false;
            }
            case Caller c -> {
                if (bans.banned(c.pubkey(), null)) {
                    request.refuse(403, "Banned by the hub's operator");
                    return false;
                }
                request.admit(c);
            }
            default -> throw new IllegalStateException("credentials are a Caller or a refusal");
        }
        return true;
    }

    /**
     * A Lobstah router names itself in a bare header and accepts only receipts naming it: for a request that proved
     * no key, that name (never debited, never credited).
     */
    static boolean namedRequester(Admitting request) {
        if (request.caller().pubkey() == null) request.admit(WorkerRoutes.named(request.ctx()));
        return true;
    }
}
