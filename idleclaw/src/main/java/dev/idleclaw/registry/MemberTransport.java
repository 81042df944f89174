package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.HubMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Another hub of this hub's cluster as a scheduler backend (docs/protocol.md "Cluster forwarding"): an
 * {@code inference_request} becomes a {@code POST <member>/cluster/v1/chat} carrying the Ollama parameters as they are,
 * signed for this hub ({@link ForwardSignature}), and the member streams back its node's chunks as NDJSON, the final
 * one with the node's receipt, which {@link dev.idleclaw.relay.ChatRelay} relays, times out, fails over and checks
 * exactly as a node's. A 4xx answer is the caller's fault and passes on as a refusal; anything else that goes wrong
 * before the stream ends is the member being unavailable. The answer is read by Jetty's client in its selector
 * ({@link MemberExchange}, {@link MemberClient}), with no thread of its own per request.
 */
public final class MemberTransport implements Backend {
    private static final Logger log = LoggerFactory.getLogger(MemberTransport.class);
    /** The internal route on every member. */
    public static final String PATH = "/cluster/v1/chat";
    /**
     * The longest an exchange may go without a byte from the member: it answers its headers once its node took the
     * request, which may wait in its queue, then sends a line at least every keep-alive interval. The relay's own chunk
     * and answer timeouts end the request long before this, which only bounds a stuck exchange.
     */
    static final Duration SILENCE_TIMEOUT = Duration.ofMinutes(5);
    /** Connect timeout: members share a network, and a dead one must fail over fast. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** The forwarder's word on the caller, which the member's receipt check and ledger need. */
    public record Caller(String requester, boolean verified, boolean credited) {}

    private final String hubKey;
    private final URI url;
    private final Identity self;
    private final HttpClient http;
    /** The exchanges in flight by request id. */
    private final Map<String, MemberExchange> running = new ConcurrentHashMap<>();

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
        return URI.create(clusterUrl.toString().replaceAll("/+$", "") + PATH);
    }

    @Override
    public boolean send(NodeLink link, HubMessage m) {
        switch (m) {
            case HubMessage.InferenceRequest r -> {
                return forward(link, r, new Caller(r.requester(), false, false));
            }
            case HubMessage.CancelRequest c -> {
                MemberExchange e = running.remove(c.requestId());
                if (e != null) e.cancel();
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
            send(link, r, caller);
        } catch (RuntimeException e) {
            log.info("cluster member {} failed for request {}: {}", label(), id, e.toString());
            link.deliver(id, new RelayStream.NodeError("ollama_unavailable"));
        }
        return true;
    }

    private void send(NodeLink link, HubMessage.InferenceRequest r, Caller caller) {
        String id = r.requestId();
        ObjectNode payload = Json.object().put("request_id", id);
        payload.set("params", r.params());
        payload.put("requester", caller.requester()).put("requester_verified", caller.verified()).put("credited", caller.credited());
        byte[] body = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        URI uri = route(url);
        String onBehalfOf = caller.requester() == null ? "anonymous" : caller.requester();
        Map<String, String> signature = ForwardSignature.sign(self, "POST", RequestSignature.pathAndQuery(uri),
                RequestSignature.hostHeader(uri), body, onBehalfOf, r.via(), System.currentTimeMillis());
        var request = http.newRequest(uri).method(HttpMethod.POST).idleTimeout(SILENCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "application/x-ndjson");
                    signature.forEach(h::put);
                })
                .body(new BytesRequestContent("application/json", body));
        var exchange = new MemberExchange(link, id, label(), () -> running.remove(id));
        running.put(id, exchange);
        exchange.send(request);
    }

    /** The {@code error} code a member sends when its node's link went away mid-answer. */
    public static final String DISCONNECTED = "disconnected";

    /** Aborts every exchange in flight (the member left the cluster). */
    void abortAll() {
        for (String id : List.copyOf(running.keySet())) {
            MemberExchange e = running.remove(id);
            if (e != null) e.cancel();
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
