package dev.idleclaw.clients.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Everything a {@link StreamingChatResponseHandler} saw during one streamed chat. */
final class Collected implements StreamingChatResponseHandler {
    private static final long TIMEOUT_SECONDS = 10; // a healthy stream here takes well under a second

    final List<String> partials = new CopyOnWriteArrayList<>();
    final List<ToolExecutionRequest> completeToolCalls = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    private final Runnable afterSecondPartial;

    private Collected(Runnable afterSecondPartial) { this.afterSecondPartial = afterSecondPartial; }

    /** Streams {@code request} through {@code model} and waits until it completes or fails. */
    static Collected stream(StreamingChatModel model, ChatRequest request) { return stream(model, request, () -> {}); }

    /** The same, running {@code afterSecondPartial} (on the client's thread) once two partials arrived. */
    static Collected stream(StreamingChatModel model, ChatRequest request, Runnable afterSecondPartial) {
        var collected = new Collected(afterSecondPartial);
        model.chat(request, collected);
        try {
            collected.done.handle((r, e) -> null).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream neither completed nor failed in " + TIMEOUT_SECONDS + " s", e);
        }
        return collected;
    }

    @Override
    public void onPartialResponse(String partialResponse) {
        partials.add(partialResponse);
        if (partials.size() == 2) afterSecondPartial.run();
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
        completeToolCalls.add(completeToolCall.toolExecutionRequest());
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) { done.complete(completeResponse); }

    @Override
    public void onError(Throwable error) { done.completeExceptionally(error); }

    /** The complete response; fails the test if {@code onError} was called instead. */
    ChatResponse response() {
        try {
            return done.get(0, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("onError instead of onCompleteResponse", e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What {@code onError} received; fails the test if the stream completed instead. */
    Throwable error() {
        var error = done.handle((r, e) -> e).getNow(null);
        if (error == null) throw new AssertionError("onCompleteResponse instead of onError: " + done.getNow(null));
        return error;
    }

    String text() { return String.join("", partials); }
}
