package dev.idleclaw.e2e;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.server.HubConfig;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fleet for the trust tests (docs/trust.md): one real hub, real node agents each proving its own key in front of its
 * own language-model stand-in, all serving one model, and consumers with credited API keys asking through the hub's
 * real HTTP doors (Ollama and OpenAI dialects, streaming).
 */
final class TrustFleet implements AutoCloseable {
    /** The model every node claims; one digest, so re-runs and fingerprints compare them all. */
    static final String MODEL = "fleet:8b";
    /** Consumer credit: far more than any run spends, so no request is refused for want of it. */
    static final long ALLOWANCE = 1_000_000_000L;

    /** A consumer request waits this long for a slot (the hub's default is longer): verification shares the slots. */
    static final java.time.Duration QUEUE_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** One node of the fleet: what it is, its key and its connection. */
    record Member(String kind, Identity key, NodeLink link) {}

    final Network net;
    private final List<StandInOllama> ollamas = new ArrayList<>();
    final Map<String, Member> members = new LinkedHashMap<>();
    final List<String> apiKeys = new ArrayList<>();
    final List<Identity> consumers = new ArrayList<>();
    final AtomicInteger sent = new AtomicInteger(), failed = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TrustFleet(Consumer<HubConfig.Builder> change) throws Exception {
        net = new Network(c -> {
            c.bootstrapAllowance = ALLOWANCE;
            c.queueTimeout = QUEUE_TIMEOUT;
            c.verifySameAddress = true; // the whole fleet runs on this machine, each node under its own key
            change.accept(c);
        });
    }

    /** Starts a node agent with its own key for a stand-in serving {@code model} with {@code behaviour}. */
    Member node(String kind, StandInModel model, Behaviour behaviour) {
        var ollama = StandInOllama.start().model(model).behaviour(model.name(), behaviour);
        ollamas.add(ollama);
        Set<NodeLink> before = new HashSet<>(net.hub.registry().registered());
        Identity key = Identity.generate();
        net.addNode(ollama, key);
        NodeLink link = net.hub.registry().registered().stream().filter(l -> !before.contains(l)).findFirst().orElseThrow();
        var m = new Member(kind, key, link);
        members.put(kind, m);
        return m;
    }

    /** {@code n} consumers, each with its own key and an API key bound to it. */
    void consumers(int n) {
        for (int i = 0; i < n; i++) {
            var id = Identity.generate();
            String key = ApiKeys.generate();
            net.hub.ledger().addApiKey(ApiKeys.sha256(key), id.publicKey(), "fleet consumer " + i);
            consumers.add(id);
            apiKeys.add(key);
        }
    }

    /** One consumer request, number {@code i}: door and consumer by turns, a prompt of its own. */
    void ask(int i) {
        sent.incrementAndGet();
        String key = apiKeys.get(i % apiKeys.size());
        boolean openAi = (i / apiKeys.size()) % 2 == 1;
        var body = Json.object().put("model", MODEL).put("stream", true);
        body.putArray("messages").addObject().put("role", "user")
                .put("content", "Question " + i + ": tell me something about harbour number " + (i * 7919 % 1000) + ".");
        var req = HttpRequest.newBuilder(URI.create(net.url() + (openAi ? "/v1/chat/completions" : "/api/chat")))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            var res = http.send(req, HttpResponse.BodyHandlers.ofString());
            boolean done = openAi ? res.body().contains("[DONE]") : res.body().contains("\"done\":true");
            if (res.statusCode() != 200 || !done) fail(res.statusCode() + " " + res.body().substring(0, Math.min(200, res.body().length())));
        } catch (Exception e) {
            fail(e.toString());
        }
    }

    /** Why consumer requests failed (the first few). */
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    private void fail(String why) {
        if (failed.incrementAndGet() <= 5) failures.add(why);
    }

    /** Consumer answers the hub relayed from {@code m} so far. */
    long answers(Member m) {
        return m.link().served().answers();
    }

    private boolean closed;

    /** Stops the nodes and the hub (again: nothing). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        net.close();
        ollamas.forEach(StandInOllama::close);
    }
}
