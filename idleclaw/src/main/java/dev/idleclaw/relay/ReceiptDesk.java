package dev.idleclaw.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.chat.ChatEnd;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.ledger.Ledger;
import dev.idleclaw.receipt.Receipt;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.ReceiptException.Reason;
import dev.idleclaw.receipt.SignedReceipt;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.registry.Backend;
import dev.idleclaw.registry.NodeLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the receipt a node signed for a request the hub relayed (a chat or an embedding), and records it in the
 * ledger. A receipt counts only if it is well-formed, its signature verifies, it names the key authenticated on the
 * serving connection, the request's consumer, job id and model, it is fresh, its token counts match what the hub
 * relayed, and its nonce is new (the ledger's unique key, so replays stay refused across restarts). Rejections are
 * logged with the reason and counted; the consumer's answer never depends on them.
 */
public final class ReceiptDesk {
    private static final Logger log = LoggerFactory.getLogger(ReceiptDesk.class);
    /** Lobstah's freshness window (lobstah-wire.md §4, §10): ±5 minutes around the hub's clock. */
    static final long FRESHNESS_MILLIS = 300_000;
    /** Output tokens a reply may claim beyond the relayed text's estimate: special, end and stripped markup tokens. */
    static final long OUTPUT_SLACK = 16;
    /** Prompt tokens beyond the sent text's estimate: the chat template's fixed text (markers, default system lines). */
    static final long PROMPT_TEMPLATE_TOKENS = 64;
    /** More template tokens when tools are offered: templates add tool-use instructions (Llama 3.2's are ~90 tokens). */
    static final long TOOLS_TEMPLATE_TOKENS = 128;
    /** Template tokens each message adds: its role header and end-of-turn markers. */
    static final long TEMPLATE_TOKENS_PER_MESSAGE = 8;
    /** Prompt tokens one image may add (vision encoders emit a few hundred to a few thousand). */
    static final long TOKENS_PER_IMAGE = 4096;
    /** Tokens an embedding model adds to each input: BERT's {@code [CLS]}/{@code [SEP]}, a BOS/EOS pair. No template. */
    static final long EMBED_TOKENS_PER_INPUT = 4;

    private final Ledger ledger;
    private final HubMetrics metrics;
    private final Identity hub;

    public ReceiptDesk(Ledger ledger, HubMetrics metrics) {
        this(ledger, metrics, null);
    }

    /** {@code hub}: this hub's key, to vouch for answers it serves to other hubs ({@link #vouch}). */
    public ReceiptDesk(Ledger ledger, HubMetrics metrics, Identity hub) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.hub = hub;
    }

    /**
     * This hub's own receipt for an answer it served to a forwarding hub: the forwarder checks that the worker key is
     * the peer it called, so the hub signs as the worker, restating the node's accepted receipt (which stays in this
     * hub's ledger, crediting the node). Null when this hub has no key.
     */
    public SignedReceipt vouch(SignedReceipt node) {
        if (hub == null) return null;
        Receipt r = node.receipt();
        if (r.workerPubkey().equals(hub.publicKey())) return node; // a worker's own node signs with the worker's key
        return SignedReceipt.sign(new Receipt(Receipt.VERSION, r.jobId(), Nonces.next(), r.requesterPubkey(),
                hub.publicKey(), r.model(), r.inputTokens(), r.outputTokens(), r.startedAt(), r.completedAt()), hub);
    }

    /**
     * What the hub itself knows about the request a receipt claims ({@code jobId} null: a peer picks its own;
     * {@code relayedTokens}: the relayed output's {@link TokenEstimate}, at least one per chunk; {@code promptTokens}:
     * the estimate of the text sent, template tokens per message included; {@code requesterVerified}: only a proved
     * requester is debited; {@code forwarder}: this hub's key when the request went to a peer, which may name this
     * hub as requester; {@code templateTokens}: what the model's template may add to the prompt beyond that;
     * {@code hold}: the serving node is on probation, so what it earns is held, docs/trust.md).
     */
    public record Expected(String workerKey, String requester, String jobId, String model, ChatEnd end,
                           long relayedTokens, long promptTokens, int images, boolean requesterVerified, String forwarder,
                           long templateTokens, boolean hold) {
        /** Credit not held. */
        public Expected(String workerKey, String requester, String jobId, String model, ChatEnd end,
                        long relayedTokens, long promptTokens, int images, boolean requesterVerified, String forwarder,
                        long templateTokens) {
            this(workerKey, requester, jobId, model, end, relayedTokens, promptTokens, images, requesterVerified, forwarder,
                    templateTokens, false);
        }

        /** The same, with the worker's credit held ({@code true}) or not. */
        public Expected withHold(boolean held) {
            return new Expected(workerKey, requester, jobId, model, end, relayedTokens, promptTokens, images,
                    requesterVerified, forwarder, templateTokens, held);
        }

        /** A chat: the prompt may also hold the chat template's fixed text ({@link #PROMPT_TEMPLATE_TOKENS}). */
        public Expected(String workerKey, String requester, String jobId, String model, ChatEnd end,
                        long relayedTokens, long promptTokens, int images, boolean requesterVerified, String forwarder) {
            this(workerKey, requester, jobId, model, end, relayedTokens, promptTokens, images, requesterVerified, forwarder,
                    PROMPT_TEMPLATE_TOKENS);
        }

        /** A chat whose requester (if any) proved its key, served by a node. */
        public Expected(String workerKey, String requester, String jobId, String model, ChatEnd end,
                        long relayedTokens, long promptTokens, int images) {
            this(workerKey, requester, jobId, model, end, relayedTokens, promptTokens, images, requester != null, null);
        }

        /**
         * An embedding served by a node: the receipt must claim exactly the {@code promptEvalCount} the node's answer
         * reported as input and no output, and at most {@code inputEstimate} (the inputs' estimate with
         * {@link #EMBED_TOKENS_PER_INPUT} each: an embedding has no template).
         */
        public static Expected embedding(String workerKey, String requester, boolean requesterVerified, String jobId,
                                         String model, long promptEvalCount, long inputEstimate) {
            var counted = new ChatEnd(null, new ChatEnd.Metrics(0, 0, promptEvalCount, 0, 0, 0));
            return new Expected(workerKey, requester, jobId, model, counted, 0, inputEstimate, 0, requesterVerified, null, 0);
        }
    }

    /**
     * What the hub knows of a chat it sent {@code link} as request {@code requestId} with {@code params}, answered
     * with {@code end} after {@code relayedTokens} of relayed output, for {@code requester} (null: anonymous).
     */
    public static Expected forChat(NodeLink link, String requestId, ObjectNode params, ChatEnd end, long relayedTokens,
                                   String requester, boolean requesterVerified) {
        var tools = params.path("tools");
        long promptTokens = tools.isEmpty() ? 0 : TOOLS_TEMPLATE_TOKENS + TokenEstimate.of(tools.toString());
        int images = 0;
        for (var m : params.path("messages")) {
            promptTokens += TEMPLATE_TOKENS_PER_MESSAGE + TokenEstimate.of(m.path("content").asText(""))
                    + TokenEstimate.of(m.path("thinking").asText(""))
                    + TokenEstimate.of(m.path("tool_calls").isMissingNode() ? "" : m.path("tool_calls").toString());
            images += m.path("images").size();
        }
        Backend backend = link.backend();
        return new Expected(link.pubkey(), requester, backend.receiptJobId(requestId), params.path("model").asText(""), end,
                relayedTokens, promptTokens, images, requesterVerified, backend.vouchedRequester());
    }

    /** The most output tokens a receipt may claim for what the hub relayed. */
    static long maxOutputTokens(Expected x) {
        return x.relayedTokens() + OUTPUT_SLACK;
    }

    /** The most prompt tokens a receipt may claim for what the hub sent. */
    static long maxPromptTokens(Expected x) {
        return x.promptTokens() + x.templateTokens() + TOKENS_PER_IMAGE * x.images();
    }

    /** The accepted, recorded receipt, or null (rejected: logged and counted). */
    public SignedReceipt accept(JsonNode json, Expected expected) {
        try {
            SignedReceipt signed = check(json, expected);
            // A peer that names this hub (forwarding an anonymous caller on its own credit) charges this hub itself.
            boolean debit = expected.requesterVerified() || signed.receipt().requesterPubkey().equals(expected.forwarder());
            if (ledger.append(signed, debit, expected.hold()) == Ledger.Append.DUPLICATE) throw new ReceiptException(Reason.REPLAY);
            metrics.receipt("accepted");
            return signed;
        } catch (ReceiptException e) {
            log.warn("receipt for request {} from {} rejected: {}", expected.jobId() == null ? "(a peer's)" : expected.jobId(), expected.workerKey() == null ? "an anonymous node" : expected.workerKey(),
                    e.reason().label);
            metrics.receipt(e.reason().label);
            return null;
        }
    }

    /**
     * A receipt another member of the cluster relayed from its node after checking it against that node's
     * authenticated connection and recording it in the shared ledger (docs/protocol.md "Cluster forwarding"): checked
     * again here against what this hub relayed (signature, consumer, model, freshness, token counts; the worker is
     * the member's to know) but never recorded twice. The receipt, or null (rejected: logged and counted).
     */
    public SignedReceipt checkRecorded(JsonNode json, Expected expected) {
        try {
            String worker = SignedReceipt.fromJson(json).receipt().workerPubkey();
            return check(json, new Expected(worker, expected.requester(), expected.jobId(), expected.model(), expected.end(),
                    expected.relayedTokens(), expected.promptTokens(), expected.images(), expected.requesterVerified(),
                    expected.forwarder(), expected.templateTokens()));
        } catch (ReceiptException e) {
            log.warn("receipt a cluster member relayed for {} rejected: {}", expected.model(), e.reason().label);
            metrics.receipt(e.reason().label);
            return null;
        }
    }

    /** Every check but the nonce, in order; the first failure is the reason. */
    static SignedReceipt check(JsonNode json, Expected x) throws ReceiptException {
        SignedReceipt signed = SignedReceipt.fromJson(json);
        Receipt r = signed.receipt();
        if (!signed.signatureValid()) throw new ReceiptException(Reason.BAD_SIGNATURE);
        if (x.workerKey() == null || !x.workerKey().equals(r.workerPubkey())) throw new ReceiptException(Reason.WRONG_WORKER);
        String requester = x.requester() == null ? Receipt.ANONYMOUS : x.requester();
        // A peer names the caller, or — when it does not take this hub's word for whom it acts — this hub itself.
        if (!requester.equals(r.requesterPubkey()) && !r.requesterPubkey().equals(x.forwarder())) throw new ReceiptException(Reason.REQUESTER_MISMATCH);
        if ((x.jobId() != null && !x.jobId().equals(r.jobId())) || !x.model().equals(r.model())) throw new ReceiptException(Reason.WRONG_REQUEST);
        long now = System.currentTimeMillis();
        if (Math.abs(now - r.completedAt()) > FRESHNESS_MILLIS || r.startedAt() > r.completedAt()) throw new ReceiptException(Reason.STALE);
        if (!plausible(r, x)) throw new ReceiptException(Reason.TOKENS);
        return signed;
    }

    private static boolean plausible(Receipt r, Expected x) {
        if (r.inputTokens() < 0 || r.outputTokens() < 0) return false;
        var m = x.end() == null ? null : x.end().metrics();
        if (m != null && (m.evalCount() != r.outputTokens() || m.promptEvalCount() != r.inputTokens())) return false;
        return r.outputTokens() <= maxOutputTokens(x) && r.inputTokens() <= maxPromptTokens(x);
    }
}
