package dev.idleclaw.front;

import dev.idleclaw.relay.ChatSink.Failure;

/** Fixed texts and statuses for relay failures, shared by the doors; node-supplied strings never appear here. */
public final class FailureText {
    private FailureText() {}

    /** The message for {@code why}; {@code node} names the node in the "disconnected" case. */
    public static String of(Failure why, String node) {
        return switch (why) {
            case TIMEOUT -> "request timed out";
            case DISCONNECTED -> "Node " + node + " disconnected";
            case INVALID_REQUEST -> "the node refused the request as invalid (a format or options its model server does not accept)";
            case NODE_UNAVAILABLE -> "the node's model server is unavailable";
            case NODE_ERROR -> "the model failed while answering";
            case OVERFLOW -> "response buffer overflow: the client is reading too slowly";
        };
    }

    /** The text for a backend's refusal with {@code status} when it gave none of its own. */
    public static String refused(int status) {
        return "the upstream server refused the request (" + status + ")";
    }

    /** The HTTP status for {@code why} when nothing has been sent yet. */
    public static int status(Failure why) {
        return switch (why) {
            case TIMEOUT -> 504;
            case INVALID_REQUEST -> 400;
            case NODE_ERROR -> 502;
            case DISCONNECTED, NODE_UNAVAILABLE, OVERFLOW -> 503;
        };
    }
}
