package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeerDirectory;
import dev.idleclaw.receipt.ReceiptException;
import dev.idleclaw.receipt.SignedReceipt;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer (another hub, or a Lobstah or IdleClaw worker) as a scheduler backend: an {@code inference_request} becomes
 * a streamed {@code POST <peer>/v1/chat/completions} signed for this hub ({@link ForwardSignature}), and the peer's
 * OpenAI SSE comes back as the Ollama chunks a node would send, so {@link dev.idleclaw.relay.ChatRelay} relays, times out, fails over
 * and checks the receipt exactly as for a node. The peer's {@code :lobstah-receipt:} rides on the final chunk.
 */
public final class PeerTransport implements Backend {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);
    /** A peer that has not answered the request's headers by then is treated as down (Lobstah: no timeout at all). */
    static final Duration FIRST_BYTE_TIMEOUT = Duration.ofSeconds(30);
    /** A peer's error body is read up to this size: an error object is small, a larger body is not one. */
    static final int MAX_ERROR_BYTES = 16 * 1024;
    /** A peer's error text passed on to the consumer is cut here: enough for any real message. */
    static final int MAX_ERROR_TEXT = 500;
    /** Connect timeout: peers are remote, but a dead one must fail over fast. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Peer peer;
    private final PeerDirectory directory;
    private final Identity hub;
    private final HttpClient http;
    private final Map<String, InputStream> running = new ConcurrentHashMap<>();

    public PeerTransport(Peer peer, PeerDirectory directory, Identity hub, HttpClient http) {
        this.peer = peer;
        this.directory = directory;
        this.hub = hub;
        this.http = http;
    }

    String pubkey() {
        return peer.pubkey();
    }

    Peer peer() {
        return peer;
    }

    @Override
    public void close(NodeLink link, int code, String reason) {
        link.disconnected(); // no connection to close: requests in flight end as from a vanished node
    }

    @Override
    public void ping() {}

    @Override
    public String shownAddress(String host) {
        return host;
    }

    /** A peer names its own job in its receipt; the hub checks the rest. */
    @Override
    public String receiptJobId(String requestId) {
        return null;
    }

    @Override
    public String vouchedRequester() {
        return hub.publicKey();
    }

    @Override
    public boolean isNodeAgent() {
        return false;
    }

    @Override
    public boolean send(NodeLink link, HubMessage m) {
        switch (m) {
            case HubMessage.InferenceRequest r -> Thread.ofVirtual().name("peer-" + r.requestId()).start(() -> forward(link, r));
            case HubMessage.CancelRequest c -> {
                var body = running.remove(c.requestId());
                if (body != null) {
                    try {
                        body.close();
                    } catch (IOException ignored) {
                        // the stream is abandoned either way
                    }
                }
            }
            default -> {}
        }
        return true;
    }

    private void forward(NodeLink link, HubMessage.InferenceRequest r) {
        // An anonymous caller is served on this hub's own credit (the router's one user; a hub's free tier).
        String requester = r.requester() == null ? hub.publicKey() : r.requester();
        URI uri = URI.create(peer.url().replaceAll("/+$", "") + "/v1/chat/completions");
        byte[] body = Json.write(OpenAiBody.of(r.params())).getBytes(StandardCharsets.UTF_8);
        var req = HttpRequest.newBuilder(uri).timeout(FIRST_BYTE_TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").header(RequestSignature.REQUESTER, requester)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        ForwardSignature.sign(hub, "POST", RequestSignature.pathAndQuery(uri), RequestSignature.hostHeader(uri), body, requester,
                r.via(), System.currentTimeMillis()).forEach(req::header);
        boolean streaming = false;
        try {
            HttpResponse<InputStream> res = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = res.statusCode();
            if (status != 200) {
                log.info("peer {} answered {} for request {}", label(), status, r.requestId());
                if (status >= 400 && status < 500) {
                    // The caller's fault (lobstah-wire.md §11a): final, passed on, and no mark against the peer.
                    link.deliver(r.requestId(), refusal(status, res.body()));
                    return;
                }
                res.body().close();
                directory.recordFailure(peer);
                link.deliver(r.requestId(), new RelayStream.NodeError("ollama_error"));
                return;
            }
            running.put(r.requestId(), res.body());
            streaming = true;
            relay(link, r.requestId(), res.body());
            directory.recordSuccess(peer);
        } catch (IOException | RuntimeException e) {
            // A connection error counts against the peer (lobstah-wire.md §8); a stream we closed ourselves (cancel) does not.
            boolean cancelled = streaming && !running.containsKey(r.requestId());
            if (!cancelled) directory.recordFailure(peer);
            log.info("peer {} failed for request {}: {}", label(), r.requestId(), e.toString());
            link.deliver(r.requestId(), new RelayStream.NodeError("ollama_unavailable"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.remove(r.requestId());
        }
    }

    /** A peer's 4xx answer as a refusal: its JSON body (read up to {@link #MAX_ERROR_BYTES}) and error text. */
    static RelayStream.Refused refusal(int status, InputStream body) throws IOException {
        byte[] bytes;
        try (body) {
            bytes = body.readNBytes(MAX_ERROR_BYTES);
        }
        JsonNode json = null;
        try {
            json = Json.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException notJson) {
            // a plain-text or truncated error: the status alone is passed on
        }
        if (json != null && !json.isObject()) json = null;
        return new RelayStream.Refused(status, errorText(json), json);
    }

    /** The error text in an OpenAI ({@code error.message}), Ollama ({@code error}) or FastAPI ({@code detail}) body. */
    private static String errorText(JsonNode json) {
        if (json == null) return null;
        JsonNode e = json.path("error");
        String text = e.path("message").isTextual() ? e.get("message").asText()
                : e.isTextual() ? e.asText() : json.path("detail").isTextual() ? json.get("detail").asText() : null;
        return text == null || text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT);
    }

    /** Reads the peer's SSE and hands each delta, then the end (with usage and receipt), to the request. */
    private void relay(NodeLink link, String id, InputStream in) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        ObjectNode receipt = null;
        JsonNode usage = null;
        String finish = "stop";
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(":lobstah-receipt:")) {
                try {
                    receipt = SignedReceipt.fromBase64(line.substring(":lobstah-receipt:".length())).toJson();
                } catch (ReceiptException e) {
                    log.info("peer {} sent an unreadable receipt for request {}", label(), id);
                }
                continue;
            }
            if (!line.startsWith("data:")) continue;
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                link.deliver(id, new RelayStream.Chunk(OpenAiBody.endChunk(finish, usage), receipt));
                return;
            }
            JsonNode event = Json.parse(data);
            if (event.has("error")) {
                link.deliver(id, new RelayStream.NodeError("ollama_error"));
                return;
            }
            if (event.path("usage").isObject()) usage = event.get("usage");
            JsonNode choice = event.path("choices").path(0);
            if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
            ObjectNode chunk = OpenAiBody.chunk(choice.path("delta"));
            if (chunk != null) link.deliver(id, new RelayStream.Chunk(chunk));
        }
        link.deliver(id, new RelayStream.Disconnected());
    }

    private String label() {
        return peer.label() != null ? peer.label() : peer.pubkey().substring(0, 16);
    }

    @Override
    public boolean clusterMember() {
        return false;
    }
}
