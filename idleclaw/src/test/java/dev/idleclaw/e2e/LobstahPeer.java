package dev.idleclaw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A Lobstah worker written from lobstah-wire.md §4 and §7 alone, sharing nothing with the product's signing path:
 * the JDK's own Ed25519 ({@code SunEC}, where the product uses Bouncy Castle), a canonical JSON written here (sorted
 * keys, compact) and a JDK {@link HttpServer}. It answers {@code /pubkey}, {@code /capacity} and
 * {@code /v1/chat/completions} (OpenAI SSE with a usage chunk and {@code :lobstah-receipt:} before {@code [DONE]},
 * or JSON with {@code x-lobstah-receipt}); {@code requesterPubkey} is the {@code x-lobstah-requester} header.
 * {@link #forge} makes it cheat in one chosen way.
 */
final class LobstahPeer implements AutoCloseable {
    /** What it answers: three content pieces. */
    static final List<String> PIECES = List.of("Hello", " from", " Lobstah");
    /** Token counts it reports in {@code usage} (and, honestly, in its receipts). */
    static final int PROMPT_TOKENS = 9, COMPLETION_TOKENS = PIECES.size();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The ways this peer can lie in its receipt. */
    enum Forgery {
        /** An honest receipt. */
        NONE,
        /** Validly signed, but by another key that also names itself as the worker. */
        FOREIGN_KEY,
        /** Names this peer as the worker but is signed by another key. */
        BAD_SIGNATURE,
        /** Claims another model than the one asked for. */
        WRONG_MODEL,
        /** Claims far more output tokens than its usage said. */
        OVERCLAIM
    }

    /** One chat request as it arrived: the body and the requester header. */
    record Seen(JsonNode body, String requester) {}

    private final HttpServer server;
    private final KeyPair keys;
    private final KeyPair other = generate();
    private final String model;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile Forgery forge = Forgery.NONE;
    /** The concurrency its capacity claims. */
    volatile int concurrency = 1;
    /** How many of the next chats it answers with upstream's 502 {@code engine_error} (Ollama failing behind it). */
    final java.util.concurrent.atomic.AtomicInteger failNext = new java.util.concurrent.atomic.AtomicInteger();
    /** When set, every chat is refused with upstream's 402 {@code insufficient_credit} for the requester. */
    volatile boolean refuseCredit;

    LobstahPeer(String model) throws IOException {
        this(model, generate(), 0);
    }

    /** The same worker (key and port) started again after {@link #close}. */
    LobstahPeer(LobstahPeer previous) throws IOException {
        this(previous.model, previous.keys, previous.server.getAddress().getPort());
    }

    private LobstahPeer(String model, KeyPair keys, int port) throws IOException {
        this.model = model;
        this.keys = keys;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/pubkey", ex -> json(ex, 200, JSON.createObjectNode().put("pubkey", pubkey())));
        server.createContext("/capacity", ex -> {
            ObjectNode c = JSON.createObjectNode().put("pubkey", pubkey());
            c.putArray("models").add(model);
            c.put("tier", "interactive").put("concurrency", concurrency).put("queueDepth", 0);
            c.putObject("jobCounts").put("queued", 0).put("running", 0).put("done", 0).put("error", 0);
            json(ex, 200, c);
        });
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code lob1} + the 32 raw key bytes in hex: the last 32 bytes of the JDK's X.509 encoding. */
    String pubkey() {
        return lob1(keys);
    }

    private static String lob1(KeyPair k) {
        byte[] x509 = k.getPublic().getEncoded();
        return "lob1" + HexFormat.of().formatHex(x509, x509.length - 32, x509.length);
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                json(ex, 405, JSON.createObjectNode().put("error", "method"));
                return;
            }
            JsonNode body = JSON.readTree(ex.getRequestBody());
            String requester = ex.getRequestHeaders().getFirst("x-lobstah-requester");
            seen.add(new Seen(body, requester));
            long startedAt = System.currentTimeMillis();
            String asked = body.path("model").asText();
            if (refuseCredit) {
                ObjectNode e = JSON.createObjectNode();
                e.putObject("error").put("type", "insufficient_credit")
                        .put("message", "requester has -12 tokens of available credit (>0 required)")
                        .put("availableTokens", -12).put("requesterPubkey", requester);
                json(ex, 402, e);
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ObjectNode e = JSON.createObjectNode();
                e.putObject("error").put("type", "engine_error").put("message", "ollama 500: model runner crashed");
                json(ex, 502, e);
                return;
            }
            if (body.path("stream").asBoolean(false)) stream(ex, asked, requester, startedAt);
            else whole(ex, asked, requester, startedAt);
        }
    }

    private void stream(HttpExchange ex, String asked, String requester, long startedAt) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        String id = "chatcmpl-" + UUID.randomUUID();
        for (String piece : PIECES) {
            ObjectNode chunk = chunkBase(id, asked);
            chunk.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", piece);
            event(out, "data: " + JSON.writeValueAsString(chunk));
        }
        ObjectNode last = chunkBase(id, asked);
        last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        event(out, "data: " + JSON.writeValueAsString(last));
        ObjectNode usage = chunkBase(id, asked);
        usage.putArray("choices");
        usage.set("usage", usage());
        event(out, "data: " + JSON.writeValueAsString(usage));
        event(out, ":lobstah-receipt:" + receipt(asked, requester, startedAt));
        event(out, "data: [DONE]");
    }

    private void whole(HttpExchange ex, String asked, String requester, long startedAt) throws IOException {
        ObjectNode c = JSON.createObjectNode().put("id", "chatcmpl-" + UUID.randomUUID()).put("object", "chat.completion")
                .put("created", startedAt / 1000).put("model", asked);
        c.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", String.join("", PIECES));
        c.set("usage", usage());
        ex.getResponseHeaders().set("x-lobstah-receipt", receipt(asked, requester, startedAt));
        json(ex, 200, c);
    }

    private ObjectNode chunkBase(String id, String asked) {
        return JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", System.currentTimeMillis() / 1000).put("model", asked);
    }

    private static ObjectNode usage() {
        return JSON.createObjectNode().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", COMPLETION_TOKENS)
                .put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS);
    }

    /** The wire receipt: base64 of the UTF-8 JSON of {@code {"receipt":…,"signature":…}}, fields in wire order. */
    String receipt(String asked, String requester, long startedAt) {
        Forgery f = forge;
        KeyPair signer = f == Forgery.FOREIGN_KEY || f == Forgery.BAD_SIGNATURE ? other : keys;
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("version", 1);
        r.put("jobId", UUID.randomUUID().toString());
        r.put("nonce", HexFormat.of().formatHex(nonce));
        r.put("requesterPubkey", requester == null ? "anonymous" : requester);
        r.put("workerPubkey", f == Forgery.FOREIGN_KEY ? lob1(other) : pubkey());
        r.put("model", f == Forgery.WRONG_MODEL ? "some-other-model:1b" : asked);
        r.put("inputTokens", PROMPT_TOKENS);
        r.put("outputTokens", f == Forgery.OVERCLAIM ? 5_000 : COMPLETION_TOKENS);
        r.put("startedAt", startedAt);
        r.put("completedAt", System.currentTimeMillis());
        try {
            var sig = Signature.getInstance("Ed25519", "SunEC");
            sig.initSign(signer.getPrivate());
            sig.update(canonical(r).getBytes(StandardCharsets.UTF_8));
            Map<String, Object> signed = new java.util.LinkedHashMap<>();
            signed.put("receipt", r);
            signed.put("signature", HexFormat.of().formatHex(sig.sign()));
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(signed));
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Canonical JSON of a flat object of strings and integers: keys sorted by UTF-16 code units, no spaces. */
    static String canonical(Map<String, Object> flat) {
        var sb = new StringBuilder("{");
        var sorted = new ArrayList<>(new TreeMap<>(flat).entrySet());
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0) sb.append(',');
            quote(sorted.get(i).getKey(), sb);
            sb.append(':');
            Object v = sorted.get(i).getValue();
            if (v instanceof String s) quote(s, sb);
            else sb.append(((Number) v).longValue());
        }
        return sb.append('}').toString();
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
    }

    private static void event(OutputStream out, String text) throws IOException {
        out.write((text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
