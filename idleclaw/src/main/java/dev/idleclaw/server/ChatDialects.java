package dev.idleclaw.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.admission.ErrorShape;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.front.ChatDialect;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Which dialect answers an {@code /api/chat} request, decided once per request (its errors too are in that dialect):
 * Ollama's always on the Ollama-only listener, else the configured rule over {@code Accept} and the body. The body is
 * parsed once, here, for both the rule and the door that answers ({@link #tree}): an agent's request can be megabytes.
 */
final class ChatDialects {
    /** The request attribute holding the decision. */
    private static final String ATTRIBUTE = "idleclaw.chat-dialect";
    /** The request attribute holding {@link #tree}'s answer (an {@code Optional}: a body that does not parse is parsed once too). */
    private static final String TREE = "idleclaw.body-tree";
    private final ChatDialect.Mode mode;
    private final long maxBodyBytes;
    private final IntSupplier ollamaPort;

    /** {@code ollamaPort}: the Ollama-only listener's port, or -1 when there is none. */
    ChatDialects(ChatDialect.Mode mode, long maxBodyBytes, IntSupplier ollamaPort) {
        this.mode = mode;
        this.maxBodyBytes = maxBodyBytes;
        this.ollamaPort = ollamaPort;
    }

    ChatDialect of(Context ctx) {
        if (ctx.attribute(ATTRIBUTE) instanceof ChatDialect d) return d;
        int port = ollamaPort.getAsInt();
        boolean ollamaListener = port >= 0 && ctx.req().getLocalPort() == port;
        ChatDialect d = ollamaListener ? ChatDialect.OLLAMA
                : ChatDialect.pick(mode, ctx.header("Accept"), dialectBody(ctx));
        ctx.attribute(ATTRIBUTE, d);
        return d;
    }

    /** The body parsed as the doors parse it, once per request; null when it does not parse. */
    JsonNode tree(Context ctx) {
        if (ctx.attribute(TREE) instanceof Optional<?> parsed) return (JsonNode) parsed.orElse(null);
        JsonNode tree = BodyJson.parsedOrNull(readableBody(ctx));
        ctx.attribute(TREE, Optional.ofNullable(tree));
        return tree;
    }

    /** What the rule reads: the parsed body, else (a body the door will refuse) its leading JSON value, if any. */
    private JsonNode dialectBody(Context ctx) {
        JsonNode tree = tree(ctx);
        return tree != null ? tree : BodyJson.quiet(readableBody(ctx));
    }

    /** The error shape of the dialect that answers the request: Ollama's {@code {"error"}} or IdleClaw's {@code {"detail"}}. */
    ErrorShape shape(Context ctx) {
        return of(ctx) == ChatDialect.OLLAMA ? ErrorShape.OLLAMA : ErrorShape.IDLECLAW;
    }

    /** The body, or none when it cannot be read (too large, cut off): the error about that is answered elsewhere. */
    private byte[] readableBody(Context ctx) {
        if (ctx.req().getContentLengthLong() > maxBodyBytes) return new byte[0];
        try {
            return ctx.bodyAsBytes();
        } catch (Exception unreadable) { // Javalin rethrows Jetty's IOException for a cut-off body unchecked
            return new byte[0];
        }
    }
}
