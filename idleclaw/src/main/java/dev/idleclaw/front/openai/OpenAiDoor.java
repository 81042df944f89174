package dev.idleclaw.front.openai;

import dev.idleclaw.relay.Caller;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.front.CapabilityCheck;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.registry.ModelCatalog;
import dev.idleclaw.json.Json;
import dev.idleclaw.tools.Toolbox;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The hub's OpenAI-compatible front door: {@code /v1/chat/completions}, {@code /v1/models}, {@code /v1/models/{id}}. */
public final class OpenAiDoor {
    /** Our {@code owned_by} for every model. */
    public static final String OWNER = "idleclaw";
    /** The Ollama capability of a model that embeds. */
    private static final String EMBEDDING = "embedding";
    /** How {@code /v1/models} marks an embedding model: LM Studio's model {@code type}. */
    static final String EMBEDDINGS_TYPE = "embeddings";

    private final ChatRelay relay;
    private final ModelCatalog catalog;
    private final String owner;
    private final boolean alwaysUsage;
    /** The hub's server-side tools, for requests with {@code web_search_options}; null: none. */
    private final Toolbox tools;

    public OpenAiDoor(ChatRelay relay, ModelCatalog catalog) {
        this(relay, catalog, OWNER, false);
    }

    /**
     * A door whose models say {@code owned_by: owner} and whose streams end with a usage chunk even when the client
     * did not ask for one ({@code alwaysUsage}: a Lobstah worker, whose routers read it, lobstah-wire.md §11a).
     */
    public OpenAiDoor(ChatRelay relay, ModelCatalog catalog, String owner, boolean alwaysUsage) {
        this(relay, catalog, owner, alwaysUsage, null);
    }

    /** As above, answering requests that carry {@code web_search_options} through the hub's {@code tools}. */
    public OpenAiDoor(ChatRelay relay, ModelCatalog catalog, String owner, boolean alwaysUsage, Toolbox tools) {
        this.tools = tools;
        this.relay = relay;
        this.catalog = catalog;
        this.owner = owner;
        this.alwaysUsage = alwaysUsage;
    }

    public void chatCompletions(Context ctx) throws IOException, InterruptedException {
        OpenAiRequests.Call call;
        try {
            call = OpenAiRequests.decode(BodyJson.object(ctx.bodyAsBytes()));
            CapabilityCheck.check(catalog, call.request().withModel(catalog.resolve(call.request().model())));
        } catch (DoorError e) {
            error(ctx.res(), e.status(), e.getMessage(), null);
            return;
        }
        var request = call.request().withModel(catalog.resolve(call.request().model()));
        var job = new ChatRelay.Job("openai", request.model(), link -> OllamaJson.params(request, null), Caller.of(ctx));
        // A request that brings its own tools keeps them alone: server tools are never mixed in.
        if (call.webSearch() && request.tools() == null) job = job.withTools(tools);
        relay.run(job, new OpenAiSink(ctx.res(), call.request().model(), call.stream(), alwaysUsage || call.includeUsage()));
    }

    public void models(Context ctx) throws IOException {
        ObjectNode out = Json.object().put("object", "list");
        var data = out.putArray("data");
        catalog.listed().forEach(e -> data.add(model(e.name(), e, owner)));
        write(ctx.res(), 200, out);
    }

    public void model(Context ctx) throws IOException {
        String id = ctx.pathParam("model");
        var entry = catalog.findListed(id); // as /v1/models lists it: the cluster's models too
        if (entry.isEmpty()) {
            error(ctx.res(), 404, "model '" + id + "' not found", "model_not_found");
            return;
        }
        write(ctx.res(), 200, model(id, entry.get(), owner));
    }

    /**
     * One model in OpenAI's shape; an embedding model also says {@code "type":"embeddings"} (LM Studio's marker), which
     * OpenAI clients ignore and a chat model does not carry (its entry stays exactly Ollama's).
     */
    private static ObjectNode model(String id, ModelCatalog.Entry e, String owner) {
        var model = Json.object().put("id", id).put("object", "model").put("created", e.modifiedAt().toEpochSecond()).put("owned_by", owner);
        if (e.capabilities().contains(EMBEDDING)) model.put("type", EMBEDDINGS_TYPE);
        return model;
    }

    /** Writes OpenAI's error object; {@code code} may be null. */
    public static void error(HttpServletResponse res, int status, String message, String code) throws IOException {
        ObjectNode err = Json.object();
        err.putObject("error").put("message", message).put("type", type(status)).putNull("param").put("code", code);
        write(res, status, err);
    }

    /** OpenAI's error {@code type} for a status (Ollama's mapping). */
    public static String type(int status) {
        return switch (status) {
            case 404 -> "not_found_error";
            case 400, 401, 403, 409, 413, 422 -> "invalid_request_error";
            default -> "api_error";
        };
    }

    /** An error answer with {@code body} as it is (an OpenAI-shaped error object another server wrote). */
    static void write(HttpServletResponse res, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
