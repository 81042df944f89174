package dev.idleclaw.hub.web;

import java.util.concurrent.ThreadLocalRandom;

/** Short request ids ({@code req_} + 16 hex digits): unique enough to find one request in a hub's logs. */
final class RequestIds {
    private RequestIds() {}

    static String next() {
        return "req_" + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
