package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hubs of one test cluster (the machine's Redis under a fresh key prefix, one PostgreSQL ledger in a fresh schema)
 * with their stand-in Ollamas, for the cluster tests; closing stops them all and drops both stores.
 */
public final class ClusterHubs implements AutoCloseable {
    /** Short, so members appear within a test; the hubs refresh every third of it. */
    public static final Duration TTL = Duration.ofMillis(1500);
    /** Long enough for a few refreshes on a busy machine. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    public final String model;
    /** Further models every stand-in Ollama holds (an embedding model, say). */
    private final List<String> more;
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final LocalRedis redis = LocalRedis.fresh();
    private final PostgresSchema ledger = PostgresSchema.fresh();

    /** Stand-ins hold {@code model} (the one members are awaited for) and {@code more}. */
    public ClusterHubs(String model, String... more) {
        this.model = model;
        this.more = List.of(more);
    }

    /** The shared ledger's JDBC URL. */
    public String ledgerUrl() {
        return ledger.url();
    }

    /** A hub of the cluster on a port chosen up front, since its cluster URL must name it. */
    public Network hub() throws Exception {
        return hub(redis.url());
    }

    /** As {@link #hub()}, reaching the cluster's Redis at {@code redisUrl} (a {@link CuttableTcp} in front of it, say). */
    public Network hub(String redisUrl) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var n = new Network(c -> {
            c.port = port;
            c.cluster = redisUrl;
            c.clusterUrl = "http://127.0.0.1:" + port;
            c.clusterTtl = TTL;
            c.clusterPrefix = redis.prefix;
            c.ledger = ledger.url();
        });
        open.add(n);
        return n;
    }

    public StandInOllama ollama() {
        var o = StandInOllama.start().model(StandInModel.of(model));
        for (String m : more) o.model(StandInModel.of(m));
        open.add(o::close);
        return o;
    }

    /** Waits until {@code on} has {@code of} as a member backend serving the model. */
    public void awaitMember(Network on, Network of) {
        awaitMember(on, of, model);
    }

    /**
     * Until {@code on} can forward {@code model} to {@code of}: it has a link to {@code of} serving the model, and
     * {@code of} lists {@code on} as a member (else it refuses the forward with 403; the two hubs' first ticks may run in
     * either order).
     */
    public static void awaitMember(Network on, Network of, String model) {
        await().atMost(WAIT).until(() -> on.hub.forwarding().links().links().stream()
                .anyMatch(l -> of.hub.publicKey().equals(l.pubkey()) && l.serves(model) && !l.isClosed()));
        awaitListed(on, of);
    }

    /** Until {@code of} lists {@code on} as a member, so it takes {@code on}'s forwards. */
    public static void awaitListed(Network on, Network of) {
        await().atMost(WAIT).until(() -> of.hub.cluster().members().stream().anyMatch(m -> m.hub().equals(on.hub.publicKey())));
    }

    /** {@code idleclaw_cluster_forwarded_total} of {@code outcome} on {@code n}. */
    public static long forwarded(Network n, String outcome) {
        String outcomeLabel = "outcome=\"" + outcome + "\"";
        for (String line : n.hub.metrics().scrape(null).split("\n")) {
            if (line.startsWith("idleclaw_cluster_forwarded_total{") && line.contains(outcomeLabel)) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    public static long chats(StandInOllama o) {
        return o.requests().stream().filter(r -> r.path().equals("/api/chat")).count();
    }

    /** POSTs {@code body} to {@code n}, signed by {@code consumer} (null: anonymous). */
    public HttpResponse<String> post(Network n, String path, String body, Identity consumer) throws Exception {
        URI uri = URI.create(n.url() + path);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var req = HttpRequest.newBuilder(uri).timeout(WAIT).header("Content-Type", "application/json")
                .header("anthropic-version", "2023-06-01");
        if (consumer != null) {
            RequestSignature.sign(consumer, "POST", path, RequestSignature.hostHeader(uri), bytes, System.currentTimeMillis()).forEach(req::header);
        }
        return http.send(req.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs {@code body} to a member route {@code uri}, signed as {@code forwarder} at {@code timestamp}, or with {@code headers}. */
    public HttpResponse<String> forward(URI uri, Identity forwarder, String body, long timestamp, java.util.Map<String, String> headers)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var req = HttpRequest.newBuilder(uri).timeout(WAIT).header("Content-Type", "application/json");
        var signed = headers != null ? headers : dev.idleclaw.auth.ForwardSignature.sign(forwarder, "POST", RequestSignature.pathAndQuery(uri),
                RequestSignature.hostHeader(uri), bytes, "anonymous", List.of(), timestamp);
        signed.forEach(req::header);
        return http.send(req.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The hub's own identity, as it keeps it in its data directory. */
    public static Identity identity(Network n) {
        return dev.idleclaw.identity.IdentityFile.loadOrCreate(n.dataDir.resolve("identity.json"), false).identity();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        redis.close();
        ledger.close();
    }
}
