package dev.idleclaw.clients.openai;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.ArrayList;
import java.util.List;

/** Reading SSE streams through the SDK, validating every chunk. */
final class Streams {
    private Streams() {}

    /** Every chunk of a streamed chat, each passed through {@code validate()}. */
    static List<ChatCompletionChunk> collect(OpenAIClient client, ChatCompletionCreateParams params) {
        var chunks = new ArrayList<ChatCompletionChunk>();
        try (var stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
        }
        return chunks;
    }

    /** The concatenated {@code delta.content} of all chunks. */
    static String text(List<ChatCompletionChunk> chunks) {
        var text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        return text.toString();
    }

    /** Every non-null {@code finish_reason}, in order. */
    static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream()).toList();
    }
}
