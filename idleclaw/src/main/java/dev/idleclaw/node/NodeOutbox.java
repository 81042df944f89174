package dev.idleclaw.node;

import dev.idleclaw.wire.NodeMessage;
import java.util.function.BooleanSupplier;

/**
 * Where a node's answers go: text frames on its WebSocket to a hub, or straight into a hub running in the same process
 * ({@code idleclaw worker}). The request handling ({@link RequestDesk}) is the same either way.
 */
@FunctionalInterface
public interface NodeOutbox {
    /**
     * Passes {@code m} on unless {@code stillWanted} is false at the moment it would go (so a cancelled request's chunk
     * never follows its cancel); false when nothing went.
     */
    boolean send(NodeMessage m, BooleanSupplier stillWanted);
}
