package dev.idleclaw.front.idleclaw;

import dev.idleclaw.relay.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.idleclaw.chat.ChatMessage;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.config.Limits;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.json.Json;
import dev.idleclaw.tools.Toolbox;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /api/chat} in IdleClaw's SSE dialect, after rate limiting and the per-client stream cap: schema
 * (422), total payload (422), content policy (400), then the relay streams the answer (idleclaw-wire.md §3.5).
 */
public final class IdleClawDoor {
    /** Upstream keeps the node's model loaded for ever. */
    private static final JsonNode KEEP_LOADED = IntNode.valueOf(-1);

    /** The IdleClaw dialect's cap on one answer's content ({@code --max-response-chars}). */
    private final int maxResponseChars;
    private final ChatRelay relay;
    private final List<Pattern> denied;

    /** The hub's server-side tools: offered to every answer of this door when any is configured. */
    private final Toolbox tools;

    public IdleClawDoor(Limits limits, RelaySettings relaying, ChatRelay relay) {
        this(limits, relaying, relay, null);
    }

    public IdleClawDoor(Limits limits, RelaySettings relaying, ChatRelay relay, Toolbox tools) {
        this.tools = tools;
        this.maxResponseChars = relaying.maxResponseChars();
        this.relay = relay;
        this.denied = limits.contentDenyPatterns().stream().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
    }

    /** Serves one chat whose body is {@code body}, already parsed into {@code tree} (null when it did not parse). */
    public void handle(Context ctx, byte[] body, JsonNode tree) throws IOException, InterruptedException {
        HttpServletResponse res = ctx.res();
        var parsed = IdleClawRequests.parse(body, tree);
        if (parsed.errors() != null) {
            res.setStatus(422);
            write(res, Json.write(Json.object().set("detail", parsed.errors())));
            return;
        }
        IdleClawRequests.Request req = parsed.request();
        int total = req.totalChars();
        if (total > IdleClawRequests.MAX_TOTAL_CHARS) {
            res.setStatus(422);
            detail(res, "Total payload too large: " + total + " chars (max " + IdleClawRequests.MAX_TOTAL_CHARS + ")");
            return;
        }
        for (ChatMessage m : req.messages()) {
            if (denied.stream().anyMatch(p -> p.matcher(m.content()).find())) {
                res.setStatus(400);
                detail(res, "Message content not allowed");
                return;
            }
        }
        var job = new ChatRelay.Job("idleclaw", req.model(), link -> params(req.model(), req.messages(), req.think(), link),
                Caller.of(ctx)).withTools(tools);
        relay.run(job, new IdleClawSink(res, req.model(), req.think(), maxResponseChars));
    }

    /**
     * The Ollama parameters this door sends {@code link} (null: any node) for a consumer's {@code messages}: its own
     * system message first, thinking only where the node's model can. Hidden checks use it to look like this door.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode params(String model, java.util.List<ChatMessage> messages,
                                                                        boolean think, dev.idleclaw.registry.NodeLink link) {
        boolean thinks = think && (link == null || link.canThink(model));
        var canonical = new ChatRequest(model, SystemPrompt.compose(messages, thinks),
                com.fasterxml.jackson.databind.node.BooleanNode.valueOf(thinks), null, null, null, null);
        return OllamaJson.params(canonical, KEEP_LOADED);
    }

    /** Writes {@code {"detail": message}} as the response body. */
    static void detail(HttpServletResponse res, String message) throws IOException {
        write(res, Json.write(Json.object().put("detail", message)));
    }

    private static void write(HttpServletResponse res, String json) throws IOException {
        res.setContentType("application/json");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
