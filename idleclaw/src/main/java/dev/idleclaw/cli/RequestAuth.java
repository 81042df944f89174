package dev.idleclaw.cli;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * How a consumer command identifies itself to the hub: a request signature with its identity, an API key, or
 * nothing (anonymous). Exactly one of the two credentials is set, or neither.
 */
record RequestAuth(Identity identity, String apiKey) {
    static final RequestAuth ANONYMOUS = new RequestAuth(null, null);

    static RequestAuth signing(Identity identity) {
        return new RequestAuth(identity, null);
    }

    static RequestAuth apiKey(String key) {
        return new RequestAuth(null, key);
    }

    /** Adds the credential's headers for a request of {@code method} to {@code uri} carrying {@code body}. */
    HttpRequest.Builder apply(HttpRequest.Builder request, String method, URI uri, byte[] body) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        } else if (identity != null) {
            RequestSignature.sign(identity, method, RequestSignature.pathAndQuery(uri), RequestSignature.hostHeader(uri), body,
                    System.currentTimeMillis()).forEach(request::header);
        }
        return request;
    }
}
