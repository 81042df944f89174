package dev.idleclaw.front.ollama;

import dev.idleclaw.relay.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatRequest;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.front.CapabilityCheck;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.front.Headers;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.registry.ModelCatalog;
import dev.idleclaw.json.Json;
import dev.idleclaw.tools.Toolbox;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The hub's Ollama-compatible front door (ollama-api.md §12): {@code /}, {@code /api/version}, {@code /api/tags},
 * {@code /api/ps}, {@code /api/show}, and the Ollama dialect of {@code /api/chat} plus {@code /api/generate}.
 */
public final class OllamaDoor {
    /** Reported by {@code /api/version}: ours, semver-like so clients that compare versions can. */
    static final String VERSION = versionOf();

    private final ChatRelay relay;
    private final ModelCatalog catalog;
    /** The hub's server-side tools (none offered without a search URL), or null. */
    private final Toolbox tools;

    public OllamaDoor(ChatRelay relay, ModelCatalog catalog) {
        this(relay, catalog, null);
    }

    public OllamaDoor(ChatRelay relay, ModelCatalog catalog, Toolbox tools) {
        this.tools = tools;
        this.relay = relay;
        this.catalog = catalog;
    }

    public void root(Context ctx) {
        ctx.contentType("text/plain; charset=utf-8").result("Ollama is running");
    }

    public void version(Context ctx) {
        json(ctx, 200, Json.object().put("version", VERSION));
    }

    public void tags(Context ctx) {
        ObjectNode out = Json.object();
        var models = out.putArray("models");
        for (ModelCatalog.Entry e : catalog.listed()) {
            var entry = models.addObject().put("name", e.name()).put("model", e.name()).put("modified_at", rfc3339(e.modifiedAt()))
                    .put("size", e.size()).put("digest", e.digest());
            entry.set("details", details(e));
            // Newer Ollama lists each model's capabilities here too ("embedding" for an embedding model).
            var caps = entry.putArray("capabilities");
            e.capabilities().forEach(caps::add);
        }
        json(ctx, 200, out);
    }

    /** Nodes do not report what they have loaded, so nothing is claimed. */
    public void ps(Context ctx) {
        ObjectNode out = Json.object();
        out.putArray("models");
        json(ctx, 200, out);
    }

    public void show(Context ctx) throws IOException {
        JsonNode body;
        try {
            body = BodyJson.object(ctx.bodyAsBytes());
        } catch (DoorError e) {
            json(ctx, e.status(), Json.object().put("error", e.getMessage()));
            return;
        }
        String model = body.path("model").asText("");
        String name = model.isEmpty() ? body.path("name").asText("") : model; // "name" is the deprecated spelling
        if (name.isEmpty()) {
            json(ctx, 400, Json.object().put("error", "model is required"));
            return;
        }
        // The cluster's listing: a model /api/tags lists is one /api/show describes, whichever hub's node serves it.
        var entry = catalog.findListed(name).or(() -> catalog.findListed(name + ":latest"));
        if (entry.isEmpty()) {
            json(ctx, 404, Json.object().put("error", "model '" + name + "' not found"));
            return;
        }
        ModelCatalog.Entry e = entry.get();
        ObjectNode out = Json.object().put("modelfile", "# Served by the IdleClaw network\nFROM " + e.name() + "\n")
                .put("parameters", "").put("template", "");
        out.set("details", details(e));
        ObjectNode info = out.putObject("model_info");
        String family = details(e).path("family").asText("");
        if (!family.isEmpty()) info.put("general.architecture", family);
        // Agents (OpenClaw) size num_ctx from it; the largest window a serving node reported.
        if (!family.isEmpty() && e.contextLength() != null) info.put(family + ".context_length", e.contextLength());
        var caps = out.putArray("capabilities");
        e.capabilities().forEach(caps::add);
        out.put("modified_at", rfc3339(e.modifiedAt()));
        json(ctx, 200, out);
    }

    /**
     * {@code POST /api/chat} in the Ollama dialect; {@code body} is the already-read request body and {@code parsed}
     * its tree from {@link BodyJson#parsedOrNull} (null when it did not parse).
     */
    public void chat(Context ctx, byte[] body, JsonNode parsed) throws IOException, InterruptedException {
        run(ctx, body, parsed, false);
    }

    public void generate(Context ctx) throws IOException, InterruptedException {
        run(ctx, ctx.bodyAsBytes(), null, true);
    }

    private void run(Context ctx, byte[] bytes, JsonNode parsed, boolean generate) throws IOException, InterruptedException {
        OllamaRequests.Call call;
        try {
            JsonNode body = BodyJson.object(bytes, parsed);
            call = generate ? OllamaRequests.generate(body) : OllamaRequests.chat(body);
            CapabilityCheck.check(catalog, served(call.request()));
        } catch (DoorError e) {
            json(ctx, e.status(), Json.object().put("error", e.getMessage()));
            return;
        }
        String model = call.request().model();
        var request = served(call.request());
        if (call.load()) {
            if (catalog.find(request.model()).isEmpty()) {
                json(ctx, 404, Json.object().put("error", "model '" + model + "' not found"));
                return;
            }
            ObjectNode o = Json.object().put("model", model).put("created_at", Rfc3339.utc(Instant.now()));
            if (generate) o.put("response", "");
            else o.putObject("message").put("role", "assistant").put("content", "");
            json(ctx, 200, o.put("done", true).put("done_reason", call.unload() ? "unload" : "load"));
            return;
        }
        var job = new ChatRelay.Job("ollama", request.model(), link -> OllamaJson.params(request, request.keepAlive()), Caller.of(ctx));
        // Chats only, and never mixed with the consumer's own tools.
        ToolChoice choice = generate || request.tools() != null || tools == null || !tools.offered() ? ToolChoice.NONE
                : ToolChoice.of(ctx.header(Headers.TOOLS), tools.allDoors());
        if (choice != ToolChoice.NONE) job = job.withTools(tools);
        relay.run(job, new OllamaSink(ctx.res(), model, call.stream(), generate, choice == ToolChoice.SHOWN));
    }

    /**
     * Whether a chat is offered the hub's tools: {@code SHOWN} with status lines and sources ({@code X-IdleClaw-Tools:
     * web}), {@code UNSEEN} as any Ollama client gets them under {@code --tools-for-all-doors}, or {@code NONE}.
     */
    enum ToolChoice {
        NONE, UNSEEN, SHOWN;

        /** The choice of a chat whose hub offers tools, by its {@link Headers#TOOLS} header (null: absent). */
        static ToolChoice of(String header, boolean allDoors) {
            String asked = header == null ? "" : header.strip().toLowerCase(java.util.Locale.ROOT);
            return switch (asked) {
                case "web" -> SHOWN;
                case "none" -> NONE;
                default -> allDoors ? UNSEEN : NONE;
            };
        }
    }

    /** The request with the model name nodes serve ({@code llama3.2} → {@code llama3.2:latest}); replies echo the original. */
    private ChatRequest served(ChatRequest r) {
        String name = catalog.resolve(r.model());
        return name.equals(r.model()) ? r : r.withModel(name);
    }

    private static ObjectNode details(ModelCatalog.Entry e) {
        if (e.details() != null) return e.details();
        ObjectNode d = Json.object().put("parent_model", "").put("format", "").put("family", "");
        d.putNull("families");
        return d.put("parameter_size", "").put("quantization_level", "");
    }

    static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 3339 always has seconds; {@code OffsetDateTime.toString} drops them when zero, which Go clients reject. */
    private static String rfc3339(java.time.OffsetDateTime t) {
        return java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
    }

    private static String versionOf() {
        String v = OllamaDoor.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }
}
