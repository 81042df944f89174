package dev.idleclaw.admission;

import dev.idleclaw.front.Headers;
import java.util.concurrent.ThreadLocalRandom;

/** Short request ids ({@code req_} + 16 hex digits): unique enough to find one request in a hub's logs. */
public final class RequestIds {
    private RequestIds() {}

    static String next() {
        return "req_" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** {@link Admission}'s naming step: the request's id on its answer, whatever the answer is. */
    public static boolean name(Admitting request) {
        request.ctx().header(Headers.REQUEST_ID, next());
        return true;
    }
}
