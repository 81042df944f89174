package dev.idleclaw.front.responses;

import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.front.BodyJson;
import dev.idleclaw.relay.Caller;
import dev.idleclaw.front.CapabilityCheck;
import dev.idleclaw.front.DoorError;
import dev.idleclaw.front.openai.OpenAiDoor;
import dev.idleclaw.relay.ChatRelay;
import dev.idleclaw.registry.ModelCatalog;
import io.javalin.http.Context;
import java.io.IOException;

/** The hub's OpenAI Responses door, {@code POST /v1/responses}: stateless, as Ollama's; errors in OpenAI's shape. */
public final class ResponsesDoor {
    /** The door's label in metrics. */
    static final String DOOR = "responses";

    private final ChatRelay relay;
    private final ModelCatalog catalog;

    public ResponsesDoor(ChatRelay relay, ModelCatalog catalog) {
        this.relay = relay;
        this.catalog = catalog;
    }

    public void create(Context ctx) throws IOException, InterruptedException {
        ResponsesRequests.Call call;
        try {
            call = ResponsesRequests.decode(BodyJson.object(ctx.bodyAsBytes()));
            CapabilityCheck.check(catalog, call.request().withModel(catalog.resolve(call.request().model())));
        } catch (DoorError e) {
            OpenAiDoor.error(ctx.res(), e.status(), e.getMessage(), null);
            return;
        }
        var request = call.request().withModel(catalog.resolve(call.request().model()));
        var job = new ChatRelay.Job(DOOR, request.model(), link -> OllamaJson.params(request, null), Caller.of(ctx));
        relay.run(job, new ResponsesSink(ctx.res(), call.request().model(), call.stream(), call.echo()));
    }
}
