package dev.idleclaw.verify;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.wire.ModelInfo;
import java.util.Objects;

/** What verification asks of a node link: its model's digest, its identity, and whether two links are independent. */
final class Nodes {
    private Nodes() {}

    /** The digest {@code link} registered for {@code model}, or null (unknown: never compared). */
    static String digest(NodeLink link, String model) {
        for (ModelInfo m : link.models()) {
            if (m.name().equals(model)) return m.digest() == null || m.digest().isBlank() ? null : m.digest();
        }
        return null;
    }

    /** Who answered, for statistics and votes: the authenticated key, or the connection itself for an anonymous node. */
    static Object identity(NodeLink link) {
        return link.pubkey() != null ? link.pubkey() : link;
    }

    /** Whether {@code a} and {@code b} are different machines as far as the hub can tell: never the same key or address. */
    static boolean independent(NodeLink a, NodeLink b) {
        if (a == b || Objects.equals(a.ip(), b.ip())) return false;
        return a.pubkey() == null || !a.pubkey().equals(b.pubkey());
    }

    /** Whether {@code link} is a node agent that is registered and open (peers are other hubs, never checked here). */
    static boolean checkable(NodeLink link) {
        return link.backend().isNodeAgent() && link.registration() != null && !link.isClosed();
    }

    /** Whether {@code model} on {@code link} is a chat model (not only an embedding model). */
    static boolean chats(NodeLink link, ModelInfo m) {
        var caps = m.capabilities();
        return caps == null || caps.isEmpty() || caps.contains("completion") || !caps.contains("embedding");
    }
}
