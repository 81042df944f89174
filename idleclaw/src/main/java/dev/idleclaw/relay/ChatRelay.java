package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.config.Limits;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.RelayStream;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.tools.Toolbox;
import dev.idleclaw.verify.Prefix;
import dev.idleclaw.verify.Reruns;
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
    /** The {@code door} label of requests other members of the cluster forwarded. */
    public static final String MEMBER_DOOR = "cluster";

    private final RelaySettings config;
    /** Messages one request may carry ({@code --max-messages}). */
    private final int maxMessages;
    private final Scheduler scheduler;
    private final HubStats stats;
    private final HubMetrics metrics;

    private final ReceiptDesk receipts;
    private final SuspicionChecks suspicion;
    /** Samples requests for re-runs on a second node; null when re-runs are off. */
    private final Reruns reruns;

    public ChatRelay(RelaySettings config, Limits limits, Scheduler scheduler, HubStats stats, HubMetrics metrics, ReceiptDesk receipts) {
        this(config, limits, scheduler, stats, metrics, receipts, null);
    }

    /** {@code reruns}: which requests to re-run on a second node after their answer (null: none). */
    public ChatRelay(RelaySettings config, Limits limits, Scheduler scheduler, HubStats stats, HubMetrics metrics, ReceiptDesk receipts,
                     Reruns reruns) {
        this.reruns = reruns;
        this.config = config;
        this.maxMessages = limits.maxMessages();
        this.receipts = receipts;
        this.scheduler = scheduler;
        this.stats = stats;
        this.metrics = metrics;
        this.suspicion = new SuspicionChecks(scheduler, metrics);
    }

    /**
     * One request as the front door prepared it: the {@code door} label for metrics, the model, how to build the
     * Ollama parameters for a chosen node, the consumer's key (null = anonymous), whether it has credit to spend
     * (it then waits ahead of anonymous callers), whether the key was proved ({@code requesterVerified}; an
     * unproved key is named in the receipt but never debited in the ledger), and the hubs a forwarded request
     * already crossed. {@code memberForward}: another hub of the cluster forwarded it (docs/protocol.md "Cluster
     * forwarding"), so only this hub's own node agents serve it (never a member or peer: a request is forwarded once),
     * and the node's own receipt goes back, not one this hub vouches for.
     */
    public record Job(String door, String model, Function<NodeLink, ObjectNode> params, String requester, boolean credited,
                      boolean requesterVerified, List<String> via, Toolbox tools, boolean memberForward) {
        public Job(String door, String model, Function<NodeLink, ObjectNode> params, String requester, boolean credited,
                   boolean requesterVerified, List<String> via, Toolbox tools) {
            this(door, model, params, requester, credited, requesterVerified, via, tools, false);
        }

        public Job(String door, String model, Function<NodeLink, ObjectNode> params, String requester, boolean credited,
                   boolean requesterVerified, List<String> via) {
            this(door, model, params, requester, credited, requesterVerified, via, null);
        }

        /** This request with the hub's server-side tools offered (null or none offered: as it is). */
        public Job withTools(Toolbox toolbox) {
            return new Job(door, model, params, requester, credited, requesterVerified, via,
                    toolbox != null && toolbox.offered() ? toolbox : null, memberForward);
        }

        /** A request another member of the cluster forwarded for {@code requester}, with its Ollama parameters as sent. */
        public static Job memberForward(String model, ObjectNode params, String requester, boolean requesterVerified,
                                        boolean credited) {
            return new Job(MEMBER_DOOR, model, link -> params.deepCopy(), requester, credited, requesterVerified, List.of(), null, true);
        }

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
            return !memberForward && dev.idleclaw.relay.Caller.fromAnotherHub(via, requester, requesterVerified);
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
        /** When the current attempt's request was sent (nanoTime). */
        long sentNanos;
        /** Whether the current attempt's output held something its request did not ask for (dropped, not counted). */
        boolean dropped;
        /** The opening words of the answer's content, kept only for a request sampled for a re-run. */
        Prefix opening;
    }

    /** {@code TOOLS}: a node run ended with calls of server-side tools; the answer goes on after them. */
    private enum Outcome { DONE, TOOLS, CUT_LIMIT, CUT_TIME, CONSUMER_GONE, FAILED, REFUSED }

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

    /** Runs {@code job}, answering through {@code sink}; returns once the answer left the sink (or its consumer is gone). */
    public void run(Job job, ChatSink sink) throws IOException, InterruptedException {
        try {
            relay(job, sink);
        } finally {
            sink.drained();
        }
    }

    private void relay(Job job, ChatSink sink) throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        long answerDeadline = startNanos + config.responseTimeout().toNanos();
        Set<NodeLink> tried = new HashSet<>();
        ObjectNode sized = job.params().apply(null);
        RequestSize size = RequestSize.of(sized);
        String invalid = size.messages() > maxMessages
                ? "too many messages: " + size.messages() + " (this hub accepts at most " + maxMessages
                  + " per request; its operator sets --max-messages)"
                : MessageLimits.violation(sized.get("messages"), NodeLimits.AGENT);
        Predicate<NodeLink> fits = l -> l.refusal(job.model(), size) == null;
        // A member's forward is served by this hub's own node agents only: never forwarded again.
        Predicate<NodeLink> accepts = job.memberForward() ? fits.and(l -> l.backend().isNodeAgent()) : fits;
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
        ToolLoop tools = job.tools() == null ? null : new ToolLoop(job.tools(), metrics);
        // A sampled request is answered greedily, by every attempt alike; server-side tool rounds are never re-run.
        Reruns.Plan rerun = reruns == null || tools != null || lease.link().backend().clusterMember() ? null
                : reruns.plan(lease.link(), job.model(), sized);
        try {
            for (int attempt = 1; ; attempt++) {
                NodeLink link = lease.link();
                tried.add(link);
                ObjectNode params = job.params().apply(link);
                if (tools != null) params = tools.params(params, link);
                if (rerun != null) {
                    params = rerun.apply(params);
                    progress.opening = new Prefix();
                }
                ChatSink run = tools == null ? sink : tools.sink(sink);
                RelayStream stream = new RelayStream(UUID.randomUUID().toString(), lease, config.relayBufferChunks());
                link.track(stream);
                sink.servedBy(link.label());
                progress.sentNanos = System.nanoTime();
                var request = new HubMessage.InferenceRequest(stream.requestId(), params, job.requester(), job.via());
                boolean sent = link.backend() instanceof MemberTransport member
                        ? !link.isClosed() && member.forward(link, request,
                                new MemberTransport.Caller(job.requester(), job.requesterVerified(), job.credited()))
                        : link.send(request);
                try {
                    if (sent && !started) {
                        sink.start();
                        started = true;
                    }
                    progress.tokens = 0;
                    progress.dropped = false;
                    var served = new Served(job, stream, params, progress, UnaskedOutput.of(params), tools, run);
                    result = sent ? pump(served, run, answerDeadline) : new Result(Outcome.FAILED, ChatSink.Failure.DISCONNECTED);
                } catch (IOException consumerGone) {
                    result = new Result(Outcome.CONSUMER_GONE, null);
                } finally {
                    if (result != null && result.outcome == Outcome.TOOLS) stream.retire();
                    else stream.close(result != null && result.nodeFault());
                }
                if (result.outcome == Outcome.TOOLS) {
                    try {
                        tools.execute((RoundSink) run, link, job.params().apply(link), answerDeadline, sink, config.keepAliveInterval());
                        continue; // the next round, on the same node and lease
                    } catch (IOException consumerGone) {
                        result = new Result(Outcome.CONSUMER_GONE, null);
                        stream.close(false);
                        break;
                    } catch (InterruptedException | RuntimeException e) {
                        stream.close(false);
                        throw e;
                    }
                }
                if (link.backend().clusterMember()) forwarded(link, result, run.hasOutput());
                if (result.nodeFault() && run.hasOutput() && brokenOff(result.failure)) suspicion.aborted(link, result.failure.name());
                long left = answerDeadline - System.nanoTime();
                if (!result.nodeFault() || run.hasOutput() || attempt >= MAX_ATTEMPTS || left <= 0) break;
                log.info("{} failed before output ({}); trying another backend (attempt {})", link, result.failure, attempt + 1);
                try {
                    lease = scheduler.acquire(job.model(), accepts, tried, Math.min(left, config.queueTimeout().toNanos()), false, p -> {});
                } catch (Scheduler.NoNode e) {
                    break;
                }
            }
            finish(sink, started, result, lease.link());
            if (progress.tokens > 0) lease.link().served().answered(progress.tokens);
            if (rerun != null && result.outcome == Outcome.DONE && !lease.link().backend().clusterMember()) {
                // After the consumer's answer ended, in the background: never delayed, shown or charged.
                reruns.answered(rerun, job.model(), lease.link(), progress.opening.finish(), job.params());
            }
        } finally {
            sink.drained(); // the request is under way until its answer has left the sink
            stats.requestEnded(result == null || result.outcome == Outcome.FAILED);
            long ttft = progress.firstChunkNanos == 0 ? 0 : progress.firstChunkNanos - startNanos;
            metrics.finished(job.door(), job.model(), outcome(result), ttft, progress.chunks);
        }
    }

    /** Counts and logs one attempt on a cluster member (docs/operations.md "Cluster"). */
    private void forwarded(NodeLink member, Result result, boolean hadOutput) {
        String outcome = switch (result.outcome) {
            case DONE, TOOLS -> "answered";
            case REFUSED -> "refused";
            case CONSUMER_GONE -> "consumer_gone";
            case CUT_LIMIT, CUT_TIME -> "cut";
            case FAILED -> !result.nodeFault() ? "refused" : hadOutput ? "failed_mid_answer" : "unavailable";
        };
        metrics.forwarded(outcome);
        if (result.outcome == Outcome.FAILED && result.nodeFault()) {
            log.info("forwarded request failed on cluster {} ({}){}", member, result.failure, hadOutput ? " mid-answer" : " before any output");
        }
    }

    /** A failure that is the node breaking off its answer (not the consumer's slowness nor an invalid request). */
    private static boolean brokenOff(ChatSink.Failure failure) {
        return failure == ChatSink.Failure.NODE_ERROR || failure == ChatSink.Failure.DISCONNECTED
               || failure == ChatSink.Failure.TIMEOUT || failure == ChatSink.Failure.NODE_UNAVAILABLE;
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

    /**
     * Checks and records the node's receipt; a node on probation has its credit held (docs/trust.md), and should it
     * have left probation or been caught meanwhile, the scheduler settles what it holds.
     */
    private dev.idleclaw.receipt.SignedReceipt accept(com.fasterxml.jackson.databind.JsonNode receipt, Served served,
                                                      dev.idleclaw.chat.ChatEnd end) {
        NodeLink link = served.stream().link();
        // A member checked its node's receipt and recorded it in the shared ledger: checked again here, not recorded.
        if (link.backend().clusterMember()) return receipts.checkRecorded(receipt, expected(served, end));
        boolean hold = scheduler.onProbation(link);
        var accepted = receipts.accept(receipt, expected(served, end).withHold(hold));
        if (accepted != null && hold) scheduler.settleHolds(link);
        return accepted;
    }

    /** What the hub knows of a finished attempt, to check the node's receipt against. */
    private static ReceiptDesk.Expected expected(Served s, dev.idleclaw.chat.ChatEnd end) {
        return ReceiptDesk.forChat(s.stream().link(), s.stream().requestId(), s.params(), end, s.progress().tokens,
                s.job().requester(), s.job().requesterVerified());
    }

    private static HubMetrics.Outcome outcome(Result r) {
        if (r == null) return HubMetrics.Outcome.FAILED;
        return switch (r.outcome) {
            case DONE, TOOLS -> HubMetrics.Outcome.DONE;
            case CUT_LIMIT, CUT_TIME -> HubMetrics.Outcome.CUT;
            case CONSUMER_GONE -> HubMetrics.Outcome.CLIENT_GONE;
            case FAILED -> HubMetrics.Outcome.FAILED;
            case REFUSED -> HubMetrics.Outcome.REJECTED;
        };
    }

    private void finish(ChatSink sink, boolean started, Result result, NodeLink link) throws IOException {
        switch (result.outcome) {
            case CONSUMER_GONE -> { return; }
            case DONE, TOOLS -> {}
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
    private record Served(Job job, RelayStream stream, ObjectNode params, Progress progress, UnaskedOutput unasked,
                          ToolLoop tools, ChatSink run) {}

    /**
     * A backend sent {@code kind} its request did not ask for: counted, and held against it. Thinking from a model the
     * node says can think is only dropped: some cannot stop thinking (gpt-oss ignores {@code think:false}).
     */
    private void unasked(Served served, UnaskedOutput.Kind kind) {
        NodeLink link = served.stream().link();
        metrics.unasked(kind.label());
        served.progress().dropped = true;
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
        if (progress.opening != null) progress.opening.add(chunk.content());
        progress.tokens += Math.max(1, TokenEstimate.of(chunk.content()) + TokenEstimate.of(chunk.thinking())
                + (chunk.toolCalls().isEmpty() ? 0 : TokenEstimate.of(chunk.toolCalls().toString())));
        return sink.chunk(chunk) ? Relayed.WRITTEN : Relayed.CUT;
    }

    /**
     * The relay of one attempt's non-final chunks, run by whichever thread holds the stream's drain lock (mostly the
     * node link's reader). A consumer whose connection is still taking earlier bytes gets its chunks buffered by the
     * sink; more than the relay buffer's worth written while it stays behind ends the attempt with an overflow, and
     * the node is stopped at once.
     */
    private final class Passing implements RelayStream.Passer {
        private final Served served;
        private final ChatSink sink;
        private final int maxBehind;
        private int behind;
        /** When the last chunk arrived and the last bytes were written (nanoTime), for the consumer's thread. */
        volatile long lastChunk, lastWrite;
        /** Why the passing ended the attempt, or null. */
        volatile Result result;

        Passing(Served served, ChatSink sink, int maxBehind, long now) {
            this.served = served;
            this.sink = sink;
            this.maxBehind = maxBehind;
            this.lastChunk = now;
            this.lastWrite = now;
        }

        @Override
        public boolean pass(RelayStream.Event e) {
            long now = System.nanoTime();
            lastChunk = now;
            ChatChunk piece = switch (e) {
                case RelayStream.Piece p -> p.chunk();
                case RelayStream.Chunk c -> OllamaJson.chunk(c.chunk());
                default -> throw new IllegalArgumentException("not a passable event: " + e);
            };
            try {
                switch (relay(served, sink, piece, now)) {
                    case CUT -> {
                        result = new Result(Outcome.CUT_LIMIT, null);
                        return false;
                    }
                    case WRITTEN -> lastWrite = now;
                    case SKIPPED -> {}
                }
            } catch (IOException consumerGone) {
                result = new Result(Outcome.CONSUMER_GONE, null);
                return false;
            }
            if (!sink.backedUp()) behind = 0;
            else if (++behind > maxBehind) {
                result = new Result(Outcome.FAILED, ChatSink.Failure.OVERFLOW);
                // The consumer stopped reading: stop the node and free its slot now, not when its write times out.
                served.stream().close(false);
                return false;
            }
            return true;
        }

        @Override
        public boolean flush() {
            try {
                sink.flush();
                return true;
            } catch (IOException consumerGone) {
                result = new Result(Outcome.CONSUMER_GONE, null);
                return false;
            }
        }
    }

    /**
     * The consumer's thread during one attempt: starts the passing of chunks by the node link's reader, then waits
     * for what only it handles (the final chunk and its receipt, errors, timeouts, keep-alives). Every return is
     * after {@link RelayStream#end}, so the sink is this thread's alone afterwards.
     */
    private Result pump(Served served, ChatSink sink, long answerDeadline) throws IOException, InterruptedException {
        RelayStream stream = served.stream();
        long chunkTimeout = config.chunkTimeout().toNanos();
        long keepAlive = config.keepAliveInterval().toNanos();
        var passing = new Passing(served, sink, config.relayBufferChunks(), System.nanoTime());
        stream.attach(passing);
        while (true) {
            RelayStream.Event event = stream.takeFinal();
            if (event != null) return last(served, sink, stream, event);
            if (stream.passingEnded()) {
                Result r = passing.result;
                if (r != null) return r;
                log.error("relaying {} stopped without a result", stream.requestId());
                return new Result(Outcome.FAILED, ChatSink.Failure.NODE_ERROR);
            }
            if (stream.overflowed()) {
                stream.end();
                return new Result(Outcome.FAILED, ChatSink.Failure.OVERFLOW);
            }
            long now = System.nanoTime();
            if (now - answerDeadline >= 0) {
                stream.end();
                return new Result(Outcome.CUT_TIME, null);
            }
            if (now - (passing.lastChunk + chunkTimeout) >= 0) {
                stream.end();
                return new Result(Outcome.FAILED, ChatSink.Failure.TIMEOUT);
            }
            if (now - (passing.lastWrite + keepAlive) >= 0) keepAlive(stream, sink, passing, now);
            if (stream.passingEnded()) continue;
            stream.await(Math.min(answerDeadline, Math.min(passing.lastChunk + chunkTimeout, passing.lastWrite + keepAlive)) - now);
        }
    }

    /** Writes a keep-alive unless a reader wrote meanwhile; a consumer found gone ends the attempt like a reader's write. */
    private static void keepAlive(RelayStream stream, ChatSink sink, Passing passing, long now) {
        stream.exclusively(() -> {
            if (stream.passingEnded() || now - passing.lastWrite < 0) return;
            try {
                sink.keepAlive();
                sink.flush();
                passing.lastWrite = now;
            } catch (IOException consumerGone) {
                passing.result = new Result(Outcome.CONSUMER_GONE, null);
                stream.end();
            }
        });
    }

    /** The attempt's final event, handled on the consumer's thread. */
    private Result last(Served served, ChatSink sink, RelayStream stream, RelayStream.Event event) throws IOException {
        return switch (event) {
            case RelayStream.Chunk c when OllamaJson.isDone(c.chunk()) && served.tools() != null
                    && served.tools().wantsRound((RoundSink) served.run()) -> {
                // A tool round: the node's run is over but the answer goes on, on this lease; its receipt is recorded.
                stream.retire();
                var end = OllamaJson.end(c.chunk());
                if (c.receipt() != null) accept(c.receipt(), served, end);
                served.tools().measure(end);
                yield new Result(Outcome.TOOLS, null);
            }
            case RelayStream.Chunk c when OllamaJson.isDone(c.chunk()) -> {
                var end = OllamaJson.end(c.chunk());
                if (end.metrics() != null) {
                    suspicion.answered(stream.link(), served.params().path("model").asText(""), end.metrics().evalCount(),
                            served.progress().tokens, System.nanoTime() - served.progress().sentNanos, served.progress().dropped);
                }
                if (c.receipt() != null) {
                    // The node's work is over: free its slot before the receipt's signature check and ledger commit.
                    stream.close(false);
                    var accepted = accept(c.receipt(), served, end);
                    // Another hub's request gets this hub's own receipt: it called this hub, not the node.
                    if (accepted != null && served.job().fromAnotherHub()) accepted = receipts.vouch(accepted);
                    if (accepted != null) sink.receipt(accepted.toBase64());
                }
                sink.end(end);
                yield new Result(Outcome.DONE, null);
            }
            case RelayStream.Chunk c -> throw new IllegalStateException("a non-final chunk is passed, never taken");
            case RelayStream.Piece p -> throw new IllegalStateException("a non-final chunk is passed, never taken");
            case RelayStream.NodeError e -> new Result(Outcome.FAILED, switch (e.code()) {
                case "invalid_request" -> ChatSink.Failure.INVALID_REQUEST;
                case "ollama_unavailable" -> ChatSink.Failure.NODE_UNAVAILABLE;
                default -> ChatSink.Failure.NODE_ERROR;
            });
            case RelayStream.Disconnected d -> new Result(Outcome.FAILED, ChatSink.Failure.DISCONNECTED);
            // an embed_result for a chat: the node's error
            case RelayStream.Embedded wrong -> new Result(Outcome.FAILED, ChatSink.Failure.NODE_ERROR);
            case RelayStream.Refused r -> new Result(Outcome.REFUSED, null, r);
        };
    }
}
