package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.ChunkScan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded request's answer from a member, read where Jetty's client reads it: in its selector, on demand, each
 * read's bytes cut into NDJSON lines ({@link NdjsonLines}) and delivered to the request at once, as a node link's reader
 * delivers node frames, so no thread hand-off lies between the member's socket and the consumer's (the chunks of one
 * read are flushed to the consumer together, as one {@link ReadBurst}). Exactly one final event reaches the request: the
 * final chunk, the member's {@code error} or {@code refused} line, {@code ollama_unavailable} for a 4xx answer (the
 * member's route refused the forward itself, told to {@code refusedForward}), any other status or any failure of the
 * exchange, or a disconnect when the stream ends without a final chunk.
 * {@link #cancel} ends the exchange (its connection is closed) and delivers nothing.
 */
final class MemberExchange implements Response.Listener {
    private static final Logger log = LoggerFactory.getLogger(MemberExchange.class);
    /**
     * Longest line a member sends: a chunk is at most a node's frame ({@link dev.idleclaw.wire.WireLimits#MAX_CHUNK_BYTES}),
     * a final one adds metrics and a receipt; beyond the WebSocket frame limit nodes have, it is no line of ours.
     */
    static final int MAX_LINE_BYTES = dev.idleclaw.wire.WireLimits.MAX_EMBED_RESULT_BYTES;
    /** Bytes read past the final line before the connection is given up instead of kept: a member ends right there. */
    static final int MAX_TRAILING_BYTES = 64 << 10;

    private final NodeLink link;
    private final String id;
    private final String member;
    private final java.util.function.BiConsumer<String, RelayStream.Refused> refusedForward;
    private final Runnable ended;
    private final NdjsonLines lines = new NdjsonLines(MAX_LINE_BYTES);
    /** Runs on the selector without a hand-off: it never waits (see the class comment). */
    private final Runnable onData = Invocable.from(Invocable.InvocationType.NON_BLOCKING, this::readBurst);
    /** Set once a final event went to the request, or the exchange was cancelled: nothing more is delivered. */
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Request request;
    private volatile boolean cancelled;
    // The fields below are the reader's alone (Jetty serializes the listener's calls for one exchange).
    private int status;
    private ByteArrayOutputStream errorBody;
    private Content.Source source;
    private long trailing;

    /**
     * The answer to request {@code id} on {@code link} from {@code member} (a label for logs); a 4xx answer is told to
     * {@code refusedForward}; {@code ended} runs once it is over.
     */
    MemberExchange(NodeLink link, String id, String member, java.util.function.BiConsumer<String, RelayStream.Refused> refusedForward,
                   Runnable ended) {
        this.link = link;
        this.id = id;
        this.member = member;
        this.refusedForward = refusedForward;
        this.ended = ended;
    }

    /** Sends {@code r} with this exchange reading its answer. */
    void send(Request r) {
        request = r;
        if (cancelled) r.abort(new CancellationException("cancelled"));
        r.send(this);
    }

    /** The relay no longer wants the answer: ends the exchange, delivering nothing more. */
    void cancel() {
        cancelled = true;
        over.set(true);
        Request r = request;
        if (r != null) r.abort(new CancellationException("cancelled"));
    }

    @Override
    public void onHeaders(Response response) {
        status = response.getStatus();
        if (status == 200) return;
        if (status >= 400 && status < 500) {
            errorBody = new ByteArrayOutputStream(); // the route refused the forward: read why, for the log
        } else {
            log.info("cluster member {} answered {} for request {}", member, status, id);
            giveUp(new RelayStream.NodeError("ollama_unavailable"));
        }
    }

    @Override
    public void onContentSource(Response response, Content.Source source) {
        this.source = source;
        readBurst();
    }

    private void readBurst() {
        ReadBurst.run(this::readAvailable);
    }

    /** Reads and handles what the connection holds now, then asks to be called when there is more. */
    private void readAvailable() {
        try {
            while (true) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(onData);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    // A last failure is the exchange's (onComplete says so); a passing one ends it here all the same.
                    if (!chunk.isLast()) throw new IOException("reading the answer failed", chunk.getFailure());
                    return;
                }
                boolean last = chunk.isLast();
                try {
                    if (chunk.hasRemaining()) take(chunk.getByteBuffer());
                } finally {
                    chunk.release();
                }
                if (last) {
                    streamEnded();
                    return;
                }
            }
        } catch (IOException e) {
            log.info("cluster member {} failed for request {}: {}", member, id, e.toString());
            giveUp(new RelayStream.NodeError("ollama_unavailable"));
        }
    }

    private void take(ByteBuffer bytes) throws IOException {
        if (errorBody != null) {
            byte[] part = new byte[Math.min(bytes.remaining(), PeerTransport.MAX_ERROR_BYTES - errorBody.size())];
            bytes.get(part);
            errorBody.writeBytes(part);
            if (errorBody.size() >= PeerTransport.MAX_ERROR_BYTES) giveUp(refused());
        } else if (over.get()) {
            trailing += bytes.remaining();
            if (trailing > MAX_TRAILING_BYTES) giveUp(null);
        } else {
            lines.feed(bytes, this::line);
        }
    }

    /** The end of the answer's body. */
    private void streamEnded() {
        if (errorBody != null) deliver(refused());
        else deliver(new RelayStream.Disconnected()); // no final line came: the member lost its node's answer
    }

    /**
     * One line of the member's NDJSON: a node chunk (the final one with {@code receipt}), an {@code error} line with the
     * node error's code, a {@code refused} line with the member's refusal, or empty (a keep-alive). False once final.
     */
    private boolean line(String line) throws IOException {
        if (line.isBlank()) return true;
        ChunkScan.Texts plain = ChunkScan.memberLine(line);
        if (plain != null) {
            link.deliver(id, new RelayStream.Piece(new ChatChunk(plain.content(), plain.thinking(), List.of())));
            return true;
        }
        JsonNode node = Json.parse(line);
        if (!(node instanceof ObjectNode o)) throw new IOException("not a JSON object line");
        if (o.path("refused").isObject()) {
            JsonNode refused = o.get("refused");
            JsonNode body = refused.path("body").isObject() ? refused.get("body") : null;
            return !deliver(new RelayStream.Refused(refused.path("status").asInt(400), Json.text(refused, "message"), body));
        }
        if (o.path("error").isTextual()) {
            String code = o.get("error").asText();
            return !deliver(code.equals(MemberTransport.DISCONNECTED) ? new RelayStream.Disconnected() : new RelayStream.NodeError(code));
        }
        ObjectNode receipt = o.path("receipt").isObject() ? (ObjectNode) o.remove("receipt") : null;
        if (!o.path("done").asBoolean(false)) {
            link.deliver(id, new RelayStream.Chunk(o, receipt));
            return true;
        }
        return !deliver(new RelayStream.Chunk(o, receipt));
    }

    /** A 4xx answer, read: told to {@code refusedForward}, and the member is unavailable for this request (failover). */
    private RelayStream.Event refused() {
        refusedForward.accept(id, refusal());
        return new RelayStream.NodeError("ollama_unavailable");
    }

    private RelayStream.Refused refusal() {
        try {
            return PeerTransport.refusal(status, new ByteArrayInputStream(errorBody.toByteArray()));
        } catch (IOException cannot) {
            throw new IllegalStateException("reading bytes in memory", cannot);
        }
    }

    /** Delivers the final event {@code e} unless one went already; true when this one did. */
    private boolean deliver(RelayStream.Event e) {
        if (!over.compareAndSet(false, true)) return false;
        link.deliver(id, e);
        return true;
    }

    /** Delivers {@code e} (when not null) as the final event and drops the connection: the rest of the answer is not wanted. */
    private void giveUp(RelayStream.Event e) {
        if (e != null) deliver(e);
        else over.set(true);
        Request r = request;
        if (r != null) r.abort(new IOException("the answer was given up"));
    }

    @Override
    public void onComplete(Result result) {
        try {
            if (over.get()) return;
            if (!result.isFailed()) {
                streamEnded(); // an answer whose body was not read (none): ends as its status says
            } else if (!cancelled) {
                log.info("cluster member {} failed for request {}: {}", member, id, result.getFailure().toString());
                deliver(new RelayStream.NodeError("ollama_unavailable"));
            }
        } finally {
            ended.run();
        }
    }
}
