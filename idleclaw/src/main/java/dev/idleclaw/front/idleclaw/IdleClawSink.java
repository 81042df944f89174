package dev.idleclaw.front.idleclaw;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.front.DoorSink;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.front.Headers;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Writes an answer in IdleClaw's SSE dialect: {@code data: <chunk>\r\n\r\n} events with the
 * {@code chat.completion.chunk} envelope, {@code reasoning} deltas, in-band {@code [Error: …]} deltas,
 * {@code : ping} comments and a final {@code data: [DONE]}. Content and reasoning pass through the stream filter;
 * content beyond the answer limit ends the answer.
 */
final class IdleClawSink extends DoorSink {
    private static final byte[] DONE = "data: [DONE]\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Python's {@code str(datetime)} form, which upstream uses in its ping comments. */
    private static final DateTimeFormatter PING_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private final String prefix;
    private final boolean think;
    private final int maxContentChars;
    private final ContentFilter contentFilter = new ContentFilter(), reasoningFilter = new ContentFilter();
    private int contentChars;
    private boolean output;

    IdleClawSink(HttpServletResponse response, String model, boolean think, int maxContentChars) {
        super(response, model, true);
        this.think = think;
        this.maxContentChars = maxContentChars;
        String id = "chatcmpl-" + HexFormat.of().formatHex(uuidBytes()).substring(0, 12);
        this.prefix = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"model\":" + Json.quote(model)
                + ",\"choices\":[{\"delta\":";
    }

    private static byte[] uuidBytes() {
        var u = UUID.randomUUID();
        return java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        if (why.retryAfterSeconds > 0) retryAfter(why);
        error(503, "No nodes available with model " + model);
    }

    /** Before any node answered: a status and {@code {"detail": …}}, as upstream's FastAPI does. */
    @Override
    protected void error(int status, String text) throws IOException {
        response.setStatus(status);
        IdleClawDoor.detail(response, text);
    }

    /** IdleClaw's door answers 200 as soon as a node accepted the request, before any piece of the answer. */
    @Override
    public void start() throws IOException {
        commit(200, "text/event-stream; charset=utf-8");
        sendHeaders();
    }

    @Override
    protected void streamHeaders() {
        response.setHeader(Headers.CACHE_CONTROL, "no-store");
        response.setHeader("Connection", "keep-alive");
        response.setHeader("X-Accel-Buffering", "no");
    }

    @Override
    public boolean chunk(ChatChunk chunk) throws IOException {
        if (think && !chunk.thinking().isEmpty()) reasoning(reasoningFilter.accept(chunk.thinking()));
        if (!chunk.content().isEmpty()) return content(contentFilter.accept(chunk.content()));
        return true;
    }

    private boolean content(String text) throws IOException {
        if (text.isEmpty()) return true;
        if (contentChars + text.length() > maxContentChars) return false;
        contentChars += text.length();
        event("{\"content\":" + Json.quote(text) + "}");
        output = true;
        return true;
    }

    private void reasoning(String text) throws IOException {
        if (text.isEmpty()) return;
        event("{\"content\":" + Json.quote(text) + ",\"reasoning\":true}");
        output = true;
    }

    /** Upstream's status delta while a server-side tool runs: {@code {"tool_call":{"name":…,"status":…}}}. */
    @Override
    public void toolStatus(String tool, String status) throws IOException {
        event("{\"tool_call\":{\"name\":" + Json.quote(tool) + ",\"status\":" + Json.quote(status) + "}}");
    }

    @Override
    public void keepAlive() throws IOException {
        send((": ping - " + OffsetDateTime.now(ZoneOffset.UTC).format(PING_TIME) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        flushFilters();
        receiptComment("\r\n");
        send(DONE);
    }

    @Override
    public void cut(Cut why) throws IOException {
        flushFilters();
        send(DONE);
    }

    /** The stream is open already: the failure is in-band, naming the node the relay names (filtered). */
    @Override
    public void fail(Failure why, String node) throws IOException {
        inBandError(message(why, node));
    }

    @Override
    protected void failMidAnswer(Failure why, String text) throws IOException {
        inBandError(text);
    }

    /** Ends the answer with {@code [Error: text]} as its last content, then {@code [DONE]}. */
    private void inBandError(String text) throws IOException {
        flushFilters();
        event("{\"content\":" + Json.quote("\n\n[Error: " + text + "]") + "}");
        send(DONE);
    }

    /** The stream is open already (IdleClaw's door answers 200 first): the refusal is an in-band error, filtered. */
    @Override
    protected void refuse(int status, String message, JsonNode body) throws IOException {
        inBandError(FailureText.refused(status) + (message == null ? "" : ": " + filtered(message)));
    }

    @Override
    public boolean hasOutput() {
        return output;
    }

    /** Fixed server text for each failure; the node id is filtered like any other node-supplied text. */
    static String message(Failure why, String node) {
        return dev.idleclaw.front.FailureText.of(why, filtered(node));
    }

    /** A whole node-supplied string through the filter: accept alone would hold back a tail such as "d". */
    private static String filtered(String text) {
        var f = new ContentFilter();
        return f.accept(text) + f.flush();
    }

    private void flushFilters() throws IOException {
        if (think) reasoning(reasoningFilter.flush());
        String rest = contentFilter.flush();
        if (contentChars + rest.length() <= maxContentChars) content(rest);
    }

    private void event(String delta) throws IOException {
        send(("data: " + prefix + delta + ",\"index\":0}]}\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** After {@link #start}: nothing of an answer is written before it. */
    private void send(byte[] bytes) throws IOException {
        write(bytes);
    }
}
