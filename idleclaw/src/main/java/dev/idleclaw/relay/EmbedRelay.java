package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.RelayStream;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.config.RelaySettings;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.NodeMessage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one embedding request: a node that serves the model and advertised {@link NodeMessage.Register#EMBED} (so an
 * original IdleClaw node never receives an {@code embed_request}), one answer within the chunk timeout, and failover
 * to another such node when a node fails before answering. An authenticated node's receipt (input tokens only) is
 * checked and recorded by the {@link ReceiptDesk} as a chat's, crediting the node and debiting a proved consumer.
 */
public final class EmbedRelay {
    private static final Logger log = LoggerFactory.getLogger(EmbedRelay.class);
    /** An embed request has one answer (or one error, or a disconnect) in flight: two events always fit. */
    private static final int EVENTS = 2;

    private final RelaySettings config;
    private final Scheduler scheduler;
    private final HubMetrics metrics;
    private final ReceiptDesk receipts;

    public EmbedRelay(RelaySettings config, Scheduler scheduler, HubMetrics metrics, ReceiptDesk receipts) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.receipts = receipts;
    }

    /**
     * What the consumer asked for; {@code dimensions}, {@code truncate}, {@code keepAlive}, {@code options} may be null.
     * {@code memberForward}: another hub of the cluster forwarded it, so only this hub's own node agents serve it
     * (never forwarded twice), and the node's receipt is recorded here and returned as it is, not vouched for.
     */
    public record Job(String door, String model, List<String> input, Integer dimensions, Boolean truncate, JsonNode keepAlive,
                      ObjectNode options, Caller caller, boolean memberForward) {
        /** A consumer's request to this hub. */
        public Job(String door, String model, List<String> input, Integer dimensions, Boolean truncate, JsonNode keepAlive,
                   ObjectNode options, Caller caller) {
            this(door, model, input, dimensions, truncate, keepAlive, options, caller, false);
        }
    }

    /** How a request ended, for the door to answer in its own shape. */
    public sealed interface Outcome {
        /**
         * One vector per input, in order, the tokens the node's Ollama counted, and the accepted receipt (base64) for
         * the consumer, null when there is none (an anonymous node, or a receipt the hub refused).
         */
        record Embedded(List<float[]> embeddings, long promptTokens, String receipt) implements Outcome {}
        /** No node serves the model at all. */
        record UnknownModel() implements Outcome {}
        /** Nodes serve the model, but none of them serves embeddings (original IdleClaw nodes, peers). */
        record NoEmbeddingNode() implements Outcome {}
        /** Every suitable node stayed busy (or the hub is shutting down). */
        record Busy(long retryAfterSeconds) implements Outcome {}
        /** The node refused the request as invalid (Ollama's 4xx): the consumer's fault. */
        record Invalid() implements Outcome {}
        /** A cluster member refused the request with a 4xx ({@code message} may be null): passed on as it is. */
        record Refused(int status, String message) implements Outcome {}
        /** Every attempt failed on the node side. */
        record Failed(String why) implements Outcome {}
    }

    public Outcome run(Job job) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + config.responseTimeout().toNanos();
        Set<NodeLink> tried = new HashSet<>();
        Outcome outcome = new Outcome.Failed("no node answered");
        try {
            Lease lease = acquire(job, tried, config.queueTimeout().toNanos());
            if (lease == null) {
                outcome = refusal(job);
                return outcome;
            }
            for (int attempt = 1; ; attempt++) {
                NodeLink link = lease.link();
                tried.add(link);
                Attempt a = attempt(job, lease, deadline);
                outcome = a.outcome;
                long left = deadline - System.nanoTime();
                if (!a.nodeFault || attempt >= ChatRelay.MAX_ATTEMPTS || left <= 0) return outcome;
                log.info("{} failed an embed request ({}); trying another node (attempt {})", link, a.why, attempt + 1);
                lease = acquire(job, tried, Math.min(left, config.queueTimeout().toNanos()));
                if (lease == null) return outcome;
            }
        } catch (Scheduler.NoNode e) {
            outcome = e.refusal == Scheduler.Refusal.NO_MODEL ? refusal(job) : new Outcome.Busy(e.retryAfterSeconds);
            return outcome;
        } finally {
            HubMetrics.Outcome label = switch (outcome) {
                case Outcome.Embedded e -> HubMetrics.Outcome.DONE;
                case Outcome.Failed f -> HubMetrics.Outcome.FAILED;
                default -> HubMetrics.Outcome.REJECTED;
            };
            boolean known = !(outcome instanceof Outcome.UnknownModel);
            metrics.finished(job.door(), known ? job.model() : HubMetrics.UNKNOWN_MODEL, label, 0, 0);
        }
    }

    /** A slot on an embedding node, or null when none is left to try (failover) — {@link Scheduler.NoNode} otherwise. */
    private Lease acquire(Job job, Set<NodeLink> tried, long waitNanos) throws Scheduler.NoNode, InterruptedException {
        try {
            return scheduler.acquire(job.model(), l -> embeds(l, job), tried, waitNanos, job.caller().credited(), position -> {});
        } catch (Scheduler.NoNode e) {
            if (tried.isEmpty()) throw e;
            return null;
        }
    }

    /**
     * Whether {@code l} may serve {@code job}: a node that advertises embeddings, or a member one of whose such nodes
     * holds the model; for a member's forward, only this hub's own node agents.
     */
    private static boolean embeds(NodeLink l, Job job) {
        if (!l.advertises(NodeMessage.Register.EMBED)) return false;
        if (job.memberForward()) return l.backend().isNodeAgent();
        return !(l.backend() instanceof MemberTransport m) || m.embeds(job.model());
    }

    /**
     * The node's receipt for {@code result} once accepted (base64; vouched for when another hub called), else null.
     * A member recorded its node's receipt already: checked again here, never recorded twice.
     */
    private String receipt(Job job, RelayStream stream, NodeMessage.EmbedResult result) {
        if (result.receipt() == null) return null;
        Caller caller = job.caller();
        boolean member = stream.link().backend().clusterMember();
        var expected = ReceiptDesk.Expected.embedding(stream.link().pubkey(), caller.pubkey(), caller.verified(),
                member ? null : stream.requestId(), job.model(), result.promptEvalCount(), inputTokens(job.input()));
        dev.idleclaw.receipt.SignedReceipt accepted;
        if (member) {
            accepted = receipts.checkRecorded(result.receipt(), expected);
        } else {
            // A node on probation has its credit held; settled at once should it have left probation or been caught meanwhile.
            boolean hold = scheduler.onProbation(stream.link());
            accepted = receipts.accept(result.receipt(), expected.withHold(hold));
            if (accepted != null && hold) scheduler.settleHolds(stream.link());
        }
        // Another hub's request gets this hub's own receipt: it called this hub, not the node.
        if (accepted != null && caller.fromAnotherHub() && !job.memberForward()) accepted = receipts.vouch(accepted);
        return accepted == null ? null : accepted.toBase64();
    }

    /** The most input tokens a receipt may claim for {@code input}: each text's estimate and its special tokens. */
    static long inputTokens(List<String> input) {
        long tokens = 0;
        for (String text : input) tokens += TokenEstimate.of(text) + ReceiptDesk.EMBED_TOKENS_PER_INPUT;
        return tokens;
    }

    /** Why no embedding node was found: the model is unknown, or its nodes do not serve embeddings. */
    private Outcome refusal(Job job) {
        return scheduler.servedAnywhere(job.model()) ? new Outcome.NoEmbeddingNode() : new Outcome.UnknownModel();
    }

    private record Attempt(Outcome outcome, boolean nodeFault, String why) {}

    /** Counts an attempt a cluster member served, as a chat's ({@link HubMetrics#forwarded}). */
    private void forwarded(Attempt a) {
        metrics.forwarded(switch (a.outcome) {
            case Outcome.Embedded e -> "answered";
            case Outcome.Refused r -> "refused";
            case Outcome.Invalid i -> "refused";
            default -> "unavailable";
        });
    }

    private Attempt attempt(Job job, Lease lease, long deadline) throws InterruptedException {
        NodeLink link = lease.link();
        var stream = new RelayStream(UUID.randomUUID().toString(), lease, EVENTS);
        link.track(stream);
        boolean nodeFault = true;
        try {
            var request = new HubMessage.EmbedRequest(stream.requestId(), job.model(), job.input(), job.dimensions(),
                    job.truncate(), job.keepAlive(), job.options(), job.caller().pubkey());
            boolean sent = link.backend() instanceof MemberTransport member
                    ? member.embed(link, request, new MemberTransport.Caller(job.caller().pubkey(), job.caller().verified(), job.caller().credited()))
                    : link.send(request);
            if (!sent) return new Attempt(new Outcome.Failed("node link closed"), true, "link closed");
            long wait = Math.min(config.chunkTimeout().toNanos(), deadline - System.nanoTime());
            Attempt a = switch (stream.poll(wait)) {
                case null -> new Attempt(new Outcome.Failed("the node did not answer in time"), true, "timeout");
                case RelayStream.Embedded e when e.result().embeddings().size() == job.input().size() -> {
                    // The node's work is over: free its slot before the receipt's signature check and ledger commit.
                    stream.close(false);
                    var result = e.result();
                    yield new Attempt(new Outcome.Embedded(result.embeddings(), result.promptEvalCount(),
                            receipt(job, stream, result)), false, null);
                }
                case RelayStream.Embedded e -> new Attempt(new Outcome.Failed("the node answered the wrong number of vectors"), true, "bad answer");
                case RelayStream.NodeError e when e.code().equals("invalid_request") -> new Attempt(new Outcome.Invalid(), false, null);
                case RelayStream.NodeError e -> new Attempt(new Outcome.Failed("the node failed: " + e.code()), true, e.code());
                case RelayStream.Disconnected d -> new Attempt(new Outcome.Failed("the node disconnected"), true, "disconnected");
                case RelayStream.Chunk c -> new Attempt(new Outcome.Failed("the node sent a chat chunk"), true, "chat chunk");
                case RelayStream.Piece c -> new Attempt(new Outcome.Failed("the node sent a chat chunk"), true, "chat chunk");
                case RelayStream.Refused r -> new Attempt(new Outcome.Refused(r.status(), r.message()), false, null);
            };
            nodeFault = a.nodeFault;
            if (link.backend().clusterMember()) forwarded(a);
            return a;
        } finally {
            stream.close(nodeFault);
        }
    }
}
