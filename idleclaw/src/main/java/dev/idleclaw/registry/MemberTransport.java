package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.EmbedCodec;
import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.WireException;
import dev.idleclaw.wire.WireLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another hub of this hub's cluster as a scheduler backend (docs/protocol.md "Cluster forwarding"): an
 * {@code inference_request} becomes a {@code POST <member>/cluster/v1/chat} carrying the Ollama parameters as they are,
 * signed for this hub ({@link ForwardSignature}), and the member streams back its node's chunks as NDJSON, the final
 * one with the node's receipt, which {@link dev.idleclaw.relay.ChatRelay} relays, times out, fails over and checks
 * exactly as a node's. An {@code embed_request} becomes a {@code POST <member>/cluster/v1/embed} with the frame's
 * fields, answered with an {@code embed_result}'s. A request the member's nodes refuse (its size, an invalid embedding
 * request) comes back in-band and passes on to the consumer as a refusal; a plain 4xx is the member's route refusing
 * this hub's forward (signature, membership, clock, its nonce table full), never the consumer's fault, so it is logged
 * ({@link #refusedForward}) and, like anything else that goes wrong before the stream ends, the member being
 * unavailable (the relay fails over). Answers are read by Jetty's client in its selector ({@link MemberExchange},
 * {@link MemberClient}), with no thread of its own per request.
 */
public final class MemberTransport implements Backend {
    private static final Logger log = LoggerFactory.getLogger(MemberTransport.class);
    /** The internal route on every member. */
    public static final String PATH = "/cluster/v1/chat";
    /** The internal route for embeddings on every member. */
    public static final String EMBED_PATH = "/cluster/v1/embed";
    /**
     * The most a member's embedding answer may take: a node's result is bounded by the wire's limit, and the JSON
     * around it (count, receipt) is small; a longer answer is no member's and fails over.
     */
    static final int MAX_EMBED_ANSWER_BYTES = WireLimits.MAX_EMBED_RESULT_BYTES + 64 * 1024;
    /**
     * The longest an exchange may go without a byte from the member: it answers its headers once its node took the
     * request, which may wait in its queue, then sends a line at least every keep-alive interval. The relay's own chunk
     * and answer timeouts end the request long before this, which only bounds a stuck exchange.
     */
    static final Duration SILENCE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * At most one WARN per member this often about its route refusing forwards: a member refusing all of them (its
     * nonce table full, this hub not yet in its directory) would otherwise log a line per request.
     */
    static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);
    /** Connect timeout: members share a network, and a dead one must fail over fast. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** The forwarder's word on the caller, which the member's receipt check and ledger need. */
    public record Caller(String requester, boolean verified, boolean credited) {}

    private final String hubKey;
    private final URI url;
    private final Identity self;
    private final HttpClient http;
    /** The chat exchanges in flight by request id. */
    private final Map<String, MemberExchange> running = new ConcurrentHashMap<>();
    /** The embedding requests in flight by request id (aborted to cancel). */
    private final Map<String, Request> embedding = new ConcurrentHashMap<>();
    /** The models the member's embedding nodes hold, as its directory entry last said. */
    private volatile Set<String> embedModels = Set.of();
    /** When the last refusal WARN was logged (epoch ms; 0: never). */
    private final AtomicLong lastRefusalLog = new AtomicLong();

    /** The member {@code hubKey} at {@code clusterUrl}, reached as {@code self}. */
    public MemberTransport(String hubKey, URI clusterUrl, Identity self, HttpClient http) {
        this.hubKey = hubKey;
        this.url = clusterUrl;
        this.self = self;
        this.http = http;
    }

    /** The member's key (its identity in the cluster). */
    public String hubKey() {
        return hubKey;
    }

    /** Its {@code --cluster-url}. */
    public URI url() {
        return url;
    }

    /** Where its internal route is: its cluster URL's path, then {@link #PATH}. */
    public static URI route(URI clusterUrl) {
        return route(clusterUrl, PATH);
    }

    /** Where its internal route {@code path} ({@link #PATH} or {@link #EMBED_PATH}) is, under its cluster URL's path. */
    public static URI route(URI clusterUrl, String path) {
        return URI.create(clusterUrl.toString().replaceAll("/+$", "") + path);
    }

    /** Whether one of the member's nodes that advertise embeddings holds {@code model}. */
    public boolean embeds(String model) {
        return embedModels.contains(model);
    }

    /** Set on each directory refresh. */
    void embedModels(Set<String> models) {
        embedModels = Set.copyOf(models);
    }

    @Override
    public boolean send(NodeLink link, HubMessage m) {
        switch (m) {
            case HubMessage.InferenceRequest r -> {
                return forward(link, r, new Caller(r.requester(), false, false));
            }
            case HubMessage.EmbedRequest r -> {
                return embed(link, r, new Caller(r.requester(), false, false));
            }
            case HubMessage.CancelRequest c -> {
                MemberExchange e = running.remove(c.requestId());
                if (e != null) e.cancel();
                Request r = embedding.remove(c.requestId());
                if (r != null) r.abort(new java.util.concurrent.CancellationException("cancelled"));
            }
            default -> {}
        }
        return true;
    }

    /**
     * Forwards {@code r} for {@code caller}, answering through {@code link}; false when the link is closed. Signs and
     * sends on the caller's thread and returns: the answer arrives through {@link MemberExchange}.
     */
    public boolean forward(NodeLink link, HubMessage.InferenceRequest r, Caller caller) {
        if (link.isClosed()) return false;
        String id = r.requestId();
        try {
            var request = request(id, PATH, r.params(), r.via(), caller, "application/x-ndjson");
            var exchange = new MemberExchange(link, id, label(), this::refusedForward, () -> running.remove(id));
            running.put(id, exchange);
            exchange.send(request);
        } catch (RuntimeException e) {
            running.remove(id);
            log.info("cluster member {} failed for request {}: {}", label(), id, e.toString());
            link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
        }
        return true;
    }

    /**
     * Forwards the embedding request {@code r} for {@code caller} to the member's {@link #EMBED_PATH}, answering
     * through {@code link}; false when the link is closed. The answer (one bounded JSON object) is read whole, off
     * the caller's thread.
     */
    public boolean embed(NodeLink link, HubMessage.EmbedRequest r, Caller caller) {
        if (link.isClosed()) return false;
        String id = r.requestId();
        try {
            var request = request(id, EMBED_PATH, EmbedCodec.params(r), List.of(), caller, "application/json");
            embedding.put(id, request);
            new CompletableResponseListener(request, MAX_EMBED_ANSWER_BYTES).send().whenComplete((res, failure) -> {
                if (embedding.remove(id) == null) return; // cancelled: the relay no longer wants it
                if (failure != null) {
                    log.info("cluster member {} failed for request {}: {}", label(), id, failure.toString());
                    link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
                } else {
                    embedded(link, id, res);
                }
            });
        } catch (RuntimeException e) {
            embedding.remove(id);
            log.info("cluster member {} failed for request {}: {}", label(), id, e.toString());
            link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
        }
        return true;
    }

    /** A signed {@code POST} of {@code params} to the member's {@code path}, not yet sent. */
    private Request request(String id, String path, ObjectNode params, List<String> via, Caller caller, String accept) {
        ObjectNode payload = Json.object().put("request_id", id);
        payload.set("params", params);
        payload.put("requester", caller.requester()).put("requester_verified", caller.verified()).put("credited", caller.credited());
        byte[] body = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        URI uri = route(url, path);
        String onBehalfOf = caller.requester() == null ? "anonymous" : caller.requester();
        Map<String, String> signature = ForwardSignature.sign(self, "POST", RequestSignature.pathAndQuery(uri),
                RequestSignature.hostHeader(uri), body, onBehalfOf, via, System.currentTimeMillis());
        return http.newRequest(uri).method(HttpMethod.POST).idleTimeout(SILENCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, accept);
                    signature.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
    }

    /**
     * The member's route refused this hub's forward itself (signature, membership, clock, nonce table, body): never
     * the consumer's doing. Logged (a WARN at most every {@link #REFUSAL_LOG_INTERVAL}); the request fails over.
     */
    void refusedForward(String id, RelayStream.Refused refusal) {
        long now = System.currentTimeMillis(), last = lastRefusalLog.get();
        if (now - last >= REFUSAL_LOG_INTERVAL.toMillis() && lastRefusalLog.compareAndSet(last, now)) {
            log.warn("cluster member {} refused this hub's forward of request {} ({}: {}); failing over"
                     + " (further refusals within {} s are not logged)", label(), id, refusal.status(), refusal.message(),
                    REFUSAL_LOG_INTERVAL.toSeconds());
        } else {
            log.debug("cluster member {} refused request {} ({})", label(), id, refusal.status());
        }
    }

    /**
     * Delivers the member's embedding answer: the node's vectors, token count and receipt, as an {@code embed_result}'s;
     * or in-band, a {@code {"refused":{status,message}}} or a node error's {@code {"error":code}}, as a chat's lines are.
     */
    private void embedded(NodeLink link, String id, ContentResponse res) {
        try {
            int status = res.getStatus();
            if (status != 200) {
                if (status >= 400 && status < 500) {
                    refusedForward(id, PeerTransport.refusal(status, new java.io.ByteArrayInputStream(res.getContent())));
                } else {
                    log.info("cluster member {} answered {} for request {}", label(), status, id);
                }
                link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
                return;
            }
            if (!(Json.parse(res.getContentAsString()) instanceof ObjectNode o)) throw new IOException("not a JSON object");
            if (o.path("refused").isObject()) { // the member's nodes refused the consumer's request: passed on as it is
                JsonNode refused = o.get("refused");
                link.deliver(id, new RelayStream.Refused(refused.path("status").asInt(400), Json.text(refused, "message"), null));
            } else if (o.path("error").isTextual()) { // the node's error, with its wire code (invalid_request: the consumer's)
                link.deliver(id, new RelayStream.NodeError(o.get("error").asText()));
            } else {
                link.deliver(id, new RelayStream.Embedded(EmbedCodec.answer(o, id)));
            }
        } catch (IOException | WireException e) {
            log.info("cluster member {} sent no embedding answer for request {}: {}", label(), id, e.getMessage());
            link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
        }
    }

    /** The {@code error} code a member sends when its node's link went away mid-answer. */
    public static final String DISCONNECTED = "disconnected";

    /** Aborts every exchange in flight (the member left the cluster). */
    void abortAll() {
        for (String id : List.copyOf(running.keySet())) {
            MemberExchange e = running.remove(id);
            if (e != null) e.cancel();
        }
        for (String id : List.copyOf(embedding.keySet())) {
            Request r = embedding.remove(id);
            if (r != null) r.abort(new java.util.concurrent.CancellationException("the member left"));
        }
    }

    @Override
    public void close(NodeLink link, int code, String reason) {
        abortAll();
        link.disconnected(); // requests in flight end as from a vanished node
    }

    @Override
    public void ping() {}

    @Override
    public String shownAddress(String host) {
        return host;
    }

    /** The member's node names the member's job in its receipt (the member recorded it). */
    @Override
    public String receiptJobId(String requestId) {
        return null;
    }

    @Override
    public String vouchedRequester() {
        return null;
    }

    @Override
    public boolean isNodeAgent() {
        return false;
    }

    @Override
    public boolean clusterMember() {
        return true;
    }

    private String label() {
        return hubKey.substring(0, Math.min(16, hubKey.length())) + " (" + url + ")";
    }
}
