package dev.idleclaw.front.idleclaw;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.front.FailureText;
import dev.idleclaw.hub.ChatSink;
import dev.idleclaw.hub.Scheduler;
import dev.idleclaw.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
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
final class IdleClawSink implements ChatSink {
    private static final byte[] DONE = "data: [DONE]\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private String receipt;
    /** The queue position a request had when it had to wait, sent with the answer's headers. */
    static final String QUEUE_POSITION_HEADER = "X-IdleClaw-Queue-Position";
    /** Python's {@code str(datetime)} form, which upstream uses in its ping comments. */
    private static final DateTimeFormatter PING_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private final HttpServletResponse response;
    private final String model;
    private final String prefix;
    private final boolean think;
    private final int maxContentChars;
    private final ContentFilter contentFilter = new ContentFilter(), reasoningFilter = new ContentFilter();
    private OutputStream out;
    private int contentChars;
    private boolean output;
    private String node;

    IdleClawSink(HttpServletResponse response, String model, boolean think, int maxContentChars) {
        this.response = response;
        this.model = model;
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
    public void servedBy(String nodeLabel) {
        node = nodeLabel;
    }

    @Override
    public void reject(Scheduler.NoNode why) throws IOException {
        response.setStatus(503);
        if (why.retryAfterSeconds > 0) response.setHeader("Retry-After", Long.toString(why.retryAfterSeconds));
        IdleClawDoor.detail(response, "No nodes available with model " + model);
    }

    @Override
    public void start() throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Connection", "keep-alive");
        response.setHeader("X-Accel-Buffering", "no");
        if (node != null) response.setHeader("X-IdleClaw-Node", node);
        out = response.getOutputStream();
        response.flushBuffer();
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

    @Override
    public void keepAlive() throws IOException {
        write((": ping - " + OffsetDateTime.now(ZoneOffset.UTC).format(PING_TIME) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void queued(int position) {
        if (!response.isCommitted()) response.setHeader(QUEUE_POSITION_HEADER, Integer.toString(position));
    }

    @Override
    public void receipt(String base64) {
        receipt = base64;
    }

    @Override
    public void end(ChatEnd end) throws IOException {
        flushFilters();
        if (receipt != null) write((":lobstah-receipt:" + receipt + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        write(DONE);
    }

    @Override
    public void cut(Cut why) throws IOException {
        flushFilters();
        write(DONE);
    }

    @Override
    public void fail(Failure why, String node) throws IOException {
        flushFilters();
        event("{\"content\":" + Json.quote("\n\n[Error: " + message(why, node) + "]") + "}");
        write(DONE);
    }

    /** The stream is open already (IdleClaw's door answers 200 first): the refusal is an in-band error, filtered. */
    @Override
    public void refused(int status, String message, JsonNode body) throws IOException {
        flushFilters();
        String text = FailureText.refused(status) + (message == null ? "" : ": " + filtered(message));
        event("{\"content\":" + Json.quote("\n\n[Error: " + text + "]") + "}");
        write(DONE);
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
        write(("data: " + prefix + delta + ",\"index\":0}]}\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    @Override
    public void flush() throws IOException {
        if (out != null) out.flush();
    }
}
