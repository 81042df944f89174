package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.HubMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * and, like anything else that goes wrong before the stream ends, the member being unavailable (the relay fails over).
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
    static final int MAX_EMBED_ANSWER_BYTES = dev.idleclaw.wire.WireLimits.MAX_EMBED_RESULT_BYTES + 64 * 1024;
    /**
     * The member answers its headers once its node took the request, which may wait in its queue; the relay's own
     * chunk and answer timeouts end the request long before this, which only bounds a stuck exchange.
     */
    static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(5);
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
    /** The exchanges in flight by request id: their thread (interrupted to abort) and, once answered, their body. */
    private final Map<String, Exchange> running = new ConcurrentHashMap<>();
    /** The models the member's embedding nodes hold, as its directory entry last said. */
    private volatile java.util.Set<String> embedModels = java.util.Set.of();
    /** When the last refusal WARN was logged (epoch ms; 0: never). */
    private final java.util.concurrent.atomic.AtomicLong lastRefusalLog = new java.util.concurrent.atomic.AtomicLong();

    private static final class Exchange {
        final Thread thread;
        volatile InputStream body;
        volatile boolean cancelled;

        Exchange(Thread thread) {
            this.thread = thread;
        }

        void abort() {
            cancelled = true;
            thread.interrupt();
            InputStream b = body;
            if (b != null) {
                try {
                    b.close();
                } catch (IOException ignored) {
                    // abandoned either way
                }
            }
        }
    }

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
    void embedModels(java.util.Set<String> models) {
        embedModels = java.util.Set.copyOf(models);
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
                Exchange e = running.remove(c.requestId());
                if (e != null) e.abort();
            }
            default -> {}
        }
        return true;
    }

    /** Forwards {@code r} for {@code caller}, answering through {@code link}; false when the link is closed. */
    public boolean forward(NodeLink link, HubMessage.InferenceRequest r, Caller caller) {
        if (link.isClosed()) return false;
        Thread t = Thread.ofVirtual().name("member-" + r.requestId()).unstarted(() -> exchange(link, r, caller));
        running.put(r.requestId(), new Exchange(t));
        t.start();
        return true;
    }

    /**
     * Forwards the embedding request {@code r} for {@code caller} to the member's {@link #EMBED_PATH}, answering
     * through {@code link}; false when the link is closed.
     */
    public boolean embed(NodeLink link, HubMessage.EmbedRequest r, Caller caller) {
        if (link.isClosed()) return false;
        Thread t = Thread.ofVirtual().name("member-embed-" + r.requestId()).unstarted(
                () -> exchange(link, r.requestId(), EMBED_PATH, dev.idleclaw.wire.EmbedCodec.params(r), List.of(), caller));
        running.put(r.requestId(), new Exchange(t));
        t.start();
        return true;
    }

    private void exchange(NodeLink link, HubMessage.InferenceRequest r, Caller caller) {
        exchange(link, r.requestId(), PATH, r.params(), r.via(), caller);
    }

    /** POSTs {@code params} to the member's {@code path}, signed, and delivers what it answers to {@code link}. */
    private void exchange(NodeLink link, String id, String path, ObjectNode params, List<String> via, Caller caller) {
        boolean embed = path.equals(EMBED_PATH);
        try {
            ObjectNode payload = Json.object().put("request_id", id);
            payload.set("params", params);
            payload.put("requester", caller.requester()).put("requester_verified", caller.verified()).put("credited", caller.credited());
            byte[] body = Json.write(payload).getBytes(StandardCharsets.UTF_8);
            URI uri = route(url, path);
            var req = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT).header("Content-Type", "application/json")
                    .header("Accept", embed ? "application/json" : "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            String onBehalfOf = caller.requester() == null ? "anonymous" : caller.requester();
            ForwardSignature.sign(self, "POST", RequestSignature.pathAndQuery(uri), RequestSignature.hostHeader(uri), body,
                    onBehalfOf, via, System.currentTimeMillis()).forEach(req::header);
            HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            Exchange e = running.get(id);
            if (e != null) e.body = res.body();
            if (e == null || e.cancelled) {
                res.body().close();
                return;
            }
            int status = res.statusCode();
            if (status != 200) {
                if (status >= 400 && status < 500) {
                    // The route refused this hub's forward itself (signature, membership, clock, nonce table, body):
                    // never the consumer's doing (a request the member's nodes refuse comes in-band, as "refused").
                    var refusal = PeerTransport.refusal(status, res.body());
                    long now = System.currentTimeMillis(), last = lastRefusalLog.get();
                    if (now - last >= REFUSAL_LOG_INTERVAL.toMillis() && lastRefusalLog.compareAndSet(last, now)) {
                        log.warn("cluster member {} refused this hub's forward of request {} ({}: {}); failing over"
                                 + " (further refusals within {} s are not logged)", label(), id, status, refusal.message(),
                                REFUSAL_LOG_INTERVAL.toSeconds());
                    } else {
                        log.debug("cluster member {} refused request {} ({})", label(), id, status);
                    }
                } else {
                    log.info("cluster member {} answered {} for request {}", label(), status, id);
                    res.body().close();
                }
                link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
                return;
            }
            if (embed) embedded(link, id, res.body());
            else relay(link, id, res.body());
        } catch (IOException | RuntimeException e) {
            Exchange x = running.get(id);
            if (x != null && x.cancelled) return;
            log.info("cluster member {} failed for request {}: {}", label(), id, e.toString());
            link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
        } catch (InterruptedException e) {
            // cancelled: the relay stopped consuming this request
        } finally {
            running.remove(id);
        }
    }

    /**
     * Reads the member's NDJSON: each line a node chunk (the final one with {@code receipt}), an {@code error} line
     * with the node error's code, a {@code refused} line with the member's refusal, or empty (a keep-alive).
     */
    private void relay(NodeLink link, String id, InputStream in) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) continue;
            JsonNode node = Json.parse(line);
            if (!(node instanceof ObjectNode o)) throw new IOException("not a JSON object line");
            if (o.path("refused").isObject()) {
                JsonNode refused = o.get("refused");
                JsonNode body = refused.path("body").isObject() ? refused.get("body") : null;
                link.deliver(id, new RelayStream.Refused(refused.path("status").asInt(400), Json.text(refused, "message"), body));
                return;
            }
            if (o.path("error").isTextual()) {
                String code = o.get("error").asText();
                link.deliver(id, code.equals(DISCONNECTED) ? new RelayStream.Disconnected() : new RelayStream.NodeError(code));
                return;
            }
            ObjectNode receipt = o.path("receipt").isObject() ? (ObjectNode) o.remove("receipt") : null;
            link.deliver(id, new RelayStream.Chunk(o, receipt));
            if (o.path("done").asBoolean(false)) return;
        }
        link.deliver(id, new RelayStream.Disconnected());
    }

    /**
     * Reads the member's embedding answer: the node's vectors, token count and receipt, as an {@code embed_result}'s; or
     * in-band, a {@code {"refused":{status,message}}} or a node error's {@code {"error":code}}, as a chat's lines are.
     */
    private void embedded(NodeLink link, String id, InputStream in) throws IOException {
        byte[] bytes;
        try (in) {
            bytes = in.readNBytes(MAX_EMBED_ANSWER_BYTES + 1);
        }
        if (bytes.length > MAX_EMBED_ANSWER_BYTES) throw new IOException("embedding answer over " + MAX_EMBED_ANSWER_BYTES + " bytes");
        if (!(Json.parse(new String(bytes, StandardCharsets.UTF_8)) instanceof ObjectNode o)) throw new IOException("not a JSON object");
        if (o.path("refused").isObject()) { // the member's nodes refused the consumer's request: passed on as it is
            JsonNode refused = o.get("refused");
            link.deliver(id, new RelayStream.Refused(refused.path("status").asInt(400), Json.text(refused, "message"), null));
            return;
        }
        if (o.path("error").isTextual()) { // the node's error, with its wire code (invalid_request: the consumer's)
            link.deliver(id, new RelayStream.NodeError(o.get("error").asText()));
            return;
        }
        try {
            link.deliver(id, new RelayStream.Embedded(dev.idleclaw.wire.EmbedCodec.answer(o, id)));
        } catch (dev.idleclaw.wire.WireException e) {
            throw new IOException("not an embedding answer: " + e.getMessage());
        }
    }

    /** The {@code error} code a member sends when its node's link went away mid-answer. */
    public static final String DISCONNECTED = "disconnected";

    /** Aborts every exchange in flight (the member left the cluster). */
    void abortAll() {
        for (String id : List.copyOf(running.keySet())) {
            Exchange e = running.remove(id);
            if (e != null) e.abort();
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
