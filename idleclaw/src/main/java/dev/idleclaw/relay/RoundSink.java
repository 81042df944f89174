package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.chat.ToolCall;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.tools.ToolCallText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The door's sink during one node run of an answer with server-side tools: native tool calls are kept here, never
 * passed on; {@code <tool_call>} text is taken out of the content as a stream (the calls kept, the tags never shown);
 * everything else goes through. {@link #end} passes the answer's summed metrics on. Same threading as any sink.
 */
final class RoundSink implements ChatSink {
    private final ChatSink door;
    private final ToolLoop loop;
    private final ToolCallText text = new ToolCallText();
    private final List<ToolCall> nativeCalls = new ArrayList<>();
    private final StringBuilder shown = new StringBuilder();
    private boolean output;

    RoundSink(ChatSink door, ToolLoop loop) {
        this.door = door;
        this.loop = loop;
    }

    /** The calls this run made: native ones, then those written as text. */
    List<ToolCall> calls() {
        List<ToolCall> all = new ArrayList<>(nativeCalls);
        all.addAll(text.calls());
        return all;
    }

    /** The content this run showed the consumer (the assistant message of the next round). */
    String shownContent() {
        return shown.toString();
    }

    @Override
    public void servedBy(String nodeLabel) {
        door.servedBy(nodeLabel);
    }

    @Override
    public void queued(int position) {
        door.queued(position);
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        door.reject(why);
    }

    @Override
    public void start() throws IOException {
        door.start();
    }

    @Override
    public boolean chunk(ChatChunk chunk) throws IOException {
        nativeCalls.addAll(chunk.toolCalls());
        String content = text.accept(chunk.content());
        shown.append(content);
        var passed = new ChatChunk(content, chunk.thinking(), List.of());
        if (passed.isEmpty()) return true;
        output = true;
        return door.chunk(passed);
    }

    @Override
    public void keepAlive() throws IOException {
        door.keepAlive();
    }

    @Override
    public void receipt(String base64) throws IOException {
        door.receipt(base64);
    }

    /** The answer's last run ended: the held-back tail of the content, the sources, then the end with every run's metrics. */
    @Override
    public void end(ChatEnd end) throws IOException {
        String tail = text.flush();
        if (!tail.isEmpty()) door.chunk(new ChatChunk(tail, "", List.of()));
        door.sources(loop.sources());
        door.end(loop.total(end));
    }

    @Override
    public void cut(Cut why) throws IOException {
        door.cut(why);
    }

    @Override
    public void fail(Failure why, String node) throws IOException {
        door.fail(why, node);
    }

    @Override
    public void flush() throws IOException {
        door.flush();
    }

    @Override
    public void refused(int status, String message, JsonNode body) throws IOException {
        door.refused(status, message, body);
    }

    @Override
    public boolean backedUp() {
        return door.backedUp();
    }

    @Override
    public void drained() {
        door.drained();
    }

    /** Whether this run showed anything (a later run fails over to another node only before its first output). */
    @Override
    public boolean hasOutput() {
        return output && door.hasOutput();
    }
}
