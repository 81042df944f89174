package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.config.Limits;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.registry.Backend;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.RelayStream;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.MessageLimits;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.RequestSize;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one chat from node selection to the last byte: dispatch, relay with chunk/answer timeouts and
 * keep-alives, failover to the next candidate (node or peer, never one already tried) for as long as no content
 * reached the consumer, and a {@code cancel_request} for every request id it stops consuming.
 */
public final class ChatRelay {
    private static final Logger log = LoggerFactory.getLogger(ChatRelay.class);
    /**
     * Attempts per request: before the first output every healthy candidate is tried in turn (as Lobstah's router
     * does), and this caps the work one request can cause in a large fleet of failing backends.
     */
    static final int MAX_ATTEMPTS = 16;

    private final RelaySettings config;
    /** Messages one request may carry ({@code --max-messages}). */
    private final int maxMessages;
    private final Scheduler scheduler;
    private final HubStats stats;
    private final HubMetrics metrics;

    private final ReceiptDesk receipts;

    public ChatRelay(RelaySettings config, Limits limits, Scheduler scheduler, HubStats stats, HubMetrics metrics, ReceiptDesk receipts) {
        this.config = config;
        this.maxMessages = limits.maxMessages();
        this.receipts = receipts;
        this.scheduler = scheduler;
        this.stats = stats;
        this.metrics = metrics;
    }

    /**
     * One request as the front door prepared it: the {@code door} label for metrics, the model, how to build the
     * Ollama parameters for a chosen node, the consumer's key (null = anonymous), whether it has credit to spend
     * (it then waits ahead of anonymous callers), whether the key was proved ({@code requesterVerified}; an
     * unproved key is named in the receipt but never debited in the ledger), and the hubs a forwarded request
     * already crossed.
     */
    public record Job(String door, String model, Function<NodeLink, ObjectNode> params, String requester, boolean credited,
                      boolean requesterVerified, List<String> via) {
        /** An anonymous consumer's request. */
        public Job(String door, String model, Function<NodeLink, ObjectNode> params) {
            this(door, model, params, null, false, false, List.of());
        }

        /** A request by a proved key (or anonymous when {@code requester} is null). */
        public Job(String door, String model, Function<NodeLink, ObjectNode> params, String requester, boolean credited) {
            this(door, model, params, requester, credited, requester != null, List.of());
        }

        /**
         * Whether the caller is another router or hub (a signed forward, or a Lobstah router naming itself in a bare
         * header): it checks that its receipt is signed by the hub it called, so this hub vouches for the node's.
         */
        boolean fromAnotherHub() {
            return dev.idleclaw.relay.Caller.fromAnotherHub(via, requester, requesterVerified);
        }

        /** A request on behalf of {@code caller}. */
        public Job(String door, String model, Function<NodeLink, ObjectNode> params, dev.idleclaw.relay.Caller caller) {
            this(door, model, params, caller.pubkey(), caller.credited(), caller.verified(), caller.via());
        }
    }

    /** What reached the consumer, for metrics. */
    private static final class Progress {
        long firstChunkNanos;
        long chunks;
        /** The relayed output's {@link TokenEstimate}, at least one per chunk. */
        long tokens;
    }

    private enum Outcome { DONE, CUT_LIMIT, CUT_TIME, CONSUMER_GONE, FAILED, REFUSED }

    /** How an attempt ended; {@code refusal} is set for {@link Outcome#REFUSED} only. */
    private record Result(Outcome outcome, ChatSink.Failure failure, RelayStream.Refused refusal) {
        Result(Outcome outcome, ChatSink.Failure failure) {
            this(outcome, failure, null);
        }

        /**
         * Failed because of the node. An overflow is the consumer reading too slowly, and a request the node refused as
         * invalid is the consumer's own (the hub checks the node's limits before sending): no penalty, no failover.
         */
        boolean nodeFault() {
            return outcome == Outcome.FAILED && failure != ChatSink.Failure.OVERFLOW
                   && failure != ChatSink.Failure.INVALID_REQUEST;
        }
    }

    public void run(Job job, ChatSink sink) throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        long answerDeadline = startNanos + config.responseTimeout().toNanos();
        Set<NodeLink> tried = new HashSet<>();
        ObjectNode sized = job.params().apply(null);
        RequestSize size = RequestSize.of(sized);
        String invalid = size.messages() > maxMessages
                ? "too many messages: " + size.messages() + " (this hub accepts at most " + maxMessages
                  + " per request; its operator sets --max-messages)"
                : MessageLimits.violation(sized.get("messages"), NodeLimits.AGENT);
        Predicate<NodeLink> accepts = l -> l.refusal(job.model(), size) == null;
        Lease lease;
        try {
            if (invalid != null) throw new TooLarge(invalid);
            lease = scheduler.acquire(job.model(), accepts, tried, config.queueTimeout().toNanos(), job.credited(), sink::queued);
        } catch (Scheduler.NoNode e) {
            String tooLarge = e.refusal == Scheduler.Refusal.NO_MODEL ? noneAccepts(job.model(), size) : null;
            String label = e.refusal == Scheduler.Refusal.NO_MODEL && tooLarge == null ? HubMetrics.UNKNOWN_MODEL : job.model();
            metrics.finished(job.door(), label, HubMetrics.Outcome.REJECTED, 0, 0);
            if (tooLarge != null) refuse(sink, tooLarge);
            else sink.reject(e);
            return;
        } catch (TooLarge e) {
            metrics.finished(job.door(), job.model(), HubMetrics.Outcome.REJECTED, 0, 0);
            refuse(sink, e.getMessage());
            return;
        }
        metrics.queueWait(System.nanoTime() - startNanos);
        var progress = new Progress();
        stats.requestStarted();
        boolean started = false;
        Result result = null;
        try {
            for (int attempt = 1; ; attempt++) {
                NodeLink link = lease.link();
                tried.add(link);
                ObjectNode params = job.params().apply(link);
                RelayStream stream = new RelayStream(UUID.randomUUID().toString(), lease, config.relayBufferChunks());
                link.track(stream);
                sink.servedBy(link.label());
                boolean sent = link.send(new HubMessage.InferenceRequest(stream.requestId(), params, job.requester(), job.via()));
                try {
                    if (sent && !started) {
                        sink.start();
                        started = true;
                    }
                    var served = new Served(job, stream, params, progress, UnaskedOutput.of(params));
                    result = sent ? pump(served, sink, answerDeadline) : new Result(Outcome.FAILED, ChatSink.Failure.DISCONNECTED);
                } catch (IOException consumerGone) {
                    result = new Result(Outcome.CONSUMER_GONE, null);
                } finally {
                    stream.close(result != null && result.nodeFault());
                }
                long left = answerDeadline - System.nanoTime();
                if (!result.nodeFault() || sink.hasOutput() || attempt >= MAX_ATTEMPTS || left <= 0) break;
                log.info("{} failed before output ({}); trying another backend (attempt {})", link, result.failure, attempt + 1);
                try {
                    lease = scheduler.acquire(job.model(), accepts, tried, Math.min(left, config.queueTimeout().toNanos()), false, p -> {});
                } catch (Scheduler.NoNode e) {
                    break;
                }
            }
            finish(sink, started, result, lease.link());
            if (progress.tokens > 0) lease.link().served().answered(progress.tokens);
        } finally {
            stats.requestEnded(result == null || result.outcome == Outcome.FAILED);
            long ttft = progress.firstChunkNanos == 0 ? 0 : progress.firstChunkNanos - startNanos;
            metrics.finished(job.door(), job.model(), outcome(result), ttft, progress.chunks);
        }
    }

    /** Refuses the consumer's request before any node was asked, in the order every sink expects (start, refused, flush). */
    private static void refuse(ChatSink sink, String why) throws IOException {
        sink.start();
        sink.refused(400, why, null);
        sink.flush();
    }

    /** A request no node could take whatever its limits: the consumer's to fix. */
    private static final class TooLarge extends Exception {
        TooLarge(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Why no node serving {@code model} takes a request of {@code size}, in the words of the most accepting one (the
     * largest limits, then the largest context window), or null when no node serves the model or one would take it
     * (the model's nodes are then out of reach for another reason).
     */
    private String noneAccepts(String model, RequestSize size) {
        NodeLink best = null;
        for (NodeLink l : scheduler.serving(model)) {
            if (best == null || l.limits().covers(best.limits()) && context(l, model) >= context(best, model)) best = l;
        }
        String why = best == null ? null : best.refusal(model, size);
        return why == null ? null : "no node serving " + model + " accepts this request: " + why;
    }

    private static long context(NodeLink l, String model) {
        Integer c = l.contextLength(model);
        return c == null ? Long.MAX_VALUE : c;
    }

    /** What the hub knows of a finished attempt, to check the node's receipt against. */
    private static ReceiptDesk.Expected expected(Served s, dev.idleclaw.chat.ChatEnd end) {
        var tools = s.params().path("tools");
        long promptTokens = tools.isEmpty() ? 0 : ReceiptDesk.TOOLS_TEMPLATE_TOKENS + TokenEstimate.of(tools.toString());
        int images = 0;
        for (var m : s.params().path("messages")) {
            promptTokens += ReceiptDesk.TEMPLATE_TOKENS_PER_MESSAGE + TokenEstimate.of(m.path("content").asText(""))
                    + TokenEstimate.of(m.path("thinking").asText(""))
                    + TokenEstimate.of(m.path("tool_calls").isMissingNode() ? "" : m.path("tool_calls").toString());
            images += m.path("images").size();
        }
        Backend backend = s.stream().link().backend();
        return new ReceiptDesk.Expected(s.stream().link().pubkey(), s.job().requester(), backend.receiptJobId(s.stream().requestId()),
                s.params().path("model").asText(""), end, s.progress().tokens, promptTokens, images,
                s.job().requesterVerified(), backend.vouchedRequester());
    }

    private static HubMetrics.Outcome outcome(Result r) {
        if (r == null) return HubMetrics.Outcome.FAILED;
        return switch (r.outcome) {
            case DONE -> HubMetrics.Outcome.DONE;
            case CUT_LIMIT, CUT_TIME -> HubMetrics.Outcome.CUT;
            case CONSUMER_GONE -> HubMetrics.Outcome.CLIENT_GONE;
            case FAILED -> HubMetrics.Outcome.FAILED;
            case REFUSED -> HubMetrics.Outcome.REJECTED;
        };
    }

    private void finish(ChatSink sink, boolean started, Result result, NodeLink link) throws IOException {
        switch (result.outcome) {
            case CONSUMER_GONE -> { return; }
            case DONE -> {}
            case CUT_LIMIT -> sink.cut(ChatSink.Cut.CONTENT_LIMIT);
            case CUT_TIME -> sink.cut(ChatSink.Cut.TIME_LIMIT);
            case FAILED -> {
                if (!started) sink.start();
                sink.fail(result.failure, link.nodeId());
            }
            case REFUSED -> {
                if (!started) sink.start();
                sink.refused(result.refusal.status(), result.refusal.message(), result.refusal.body());
            }
        }
        sink.flush();
    }

    /** One attempt: what was asked of which node, and what has been relayed so far. */
    private record Served(Job job, RelayStream stream, ObjectNode params, Progress progress, UnaskedOutput unasked) {}

    /**
     * A backend sent {@code kind} its request did not ask for: counted, and held against it. Thinking from a model the
     * node says can think is only dropped: some cannot stop thinking (gpt-oss ignores {@code think:false}).
     */
    private void unasked(Served served, UnaskedOutput.Kind kind) {
        NodeLink link = served.stream().link();
        metrics.unasked(kind.label());
        if (kind == UnaskedOutput.Kind.THINKING && link.canThink(served.params().path("model").asText(""))) return;
        log.warn("{} sent {} its request did not ask for; dropped, reputation lowered", link, kind.label());
        scheduler.adjustReputation(link, -Scheduler.FAILURE_PENALTY);
    }

    /** What became of one non-final chunk. */
    private enum Relayed { SKIPPED, WRITTEN, CUT }

    /** Passes one non-final chunk to the sink: unasked output dropped, progress counted, the sink's limit obeyed. */
    private Relayed relay(Served served, ChatSink sink, ChatChunk piece, long now) throws IOException {
        var chunk = served.unasked().keep(piece, kind -> unasked(served, kind));
        if (chunk.isEmpty()) return Relayed.SKIPPED;
        Progress progress = served.progress();
        if (progress.chunks++ == 0) progress.firstChunkNanos = now;
        progress.tokens += Math.max(1, TokenEstimate.of(chunk.content()) + TokenEstimate.of(chunk.thinking())
                + (chunk.toolCalls().isEmpty() ? 0 : TokenEstimate.of(chunk.toolCalls().toString())));
        return sink.chunk(chunk) ? Relayed.WRITTEN : Relayed.CUT;
    }

    private Result pump(Served served, ChatSink sink, long answerDeadline) throws IOException, InterruptedException {
        RelayStream stream = served.stream();
        long chunkTimeout = config.chunkTimeout().toNanos();
        long keepAlive = config.keepAliveInterval().toNanos();
        long now = System.nanoTime();
        long lastChunk = now, lastWrite = now;
        while (true) {
            if (stream.overflowed()) return new Result(Outcome.FAILED, ChatSink.Failure.OVERFLOW);
            RelayStream.Event event = stream.pollNow();
            if (event == null) {
                // Nothing queued: send what was written, then wait.
                sink.flush();
                long wait = Math.min(answerDeadline, Math.min(lastChunk + chunkTimeout, lastWrite + keepAlive)) - now;
                event = stream.poll(wait);
            }
            now = System.nanoTime();
            switch (event) {
                case null -> {
                    if (now - answerDeadline >= 0) return new Result(Outcome.CUT_TIME, null);
                    if (now - (lastChunk + chunkTimeout) >= 0) return new Result(Outcome.FAILED, ChatSink.Failure.TIMEOUT);
                    if (now - (lastWrite + keepAlive) >= 0) {
                        sink.keepAlive();
                        lastWrite = now;
                    }
                }
                case RelayStream.Chunk c -> {
                    lastChunk = now;
                    if (OllamaJson.isDone(c.chunk())) {
                        var end = OllamaJson.end(c.chunk());
                        if (c.receipt() != null) {
                            // The node's work is over: free its slot before the receipt's signature check and ledger commit.
                            stream.close(false);
                            var accepted = receipts.accept(c.receipt(), expected(served, end));
                            // Another hub's request gets this hub's own receipt: it called this hub, not the node.
                            if (accepted != null && served.job().fromAnotherHub()) accepted = receipts.vouch(accepted);
                            if (accepted != null) sink.receipt(accepted.toBase64());
                        }
                        sink.end(end);
                        return new Result(Outcome.DONE, null);
                    }
                    switch (relay(served, sink, OllamaJson.chunk(c.chunk()), now)) {
                        case CUT -> { return new Result(Outcome.CUT_LIMIT, null); }
                        case WRITTEN -> lastWrite = now;
                        case SKIPPED -> {}
                    }
                }
                case RelayStream.Piece p -> {
                    lastChunk = now;
                    switch (relay(served, sink, p.chunk(), now)) {
                        case CUT -> { return new Result(Outcome.CUT_LIMIT, null); }
                        case WRITTEN -> lastWrite = now;
                        case SKIPPED -> {}
                    }
                }
                case RelayStream.NodeError e -> {
                    return new Result(Outcome.FAILED, switch (e.code()) {
                        case "invalid_request" -> ChatSink.Failure.INVALID_REQUEST;
                        case "ollama_unavailable" -> ChatSink.Failure.NODE_UNAVAILABLE;
                        default -> ChatSink.Failure.NODE_ERROR;
                    });
                }
                case RelayStream.Disconnected d -> {
                    return new Result(Outcome.FAILED, ChatSink.Failure.DISCONNECTED);
                }
                case RelayStream.Embedded wrong -> { // an embed_result for a chat: the node's error
                    return new Result(Outcome.FAILED, ChatSink.Failure.NODE_ERROR);
                }
                case RelayStream.Refused r -> {
                    return new Result(Outcome.REFUSED, null, r);
                }
            }
        }
    }
}
