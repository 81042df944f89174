package dev.idleclaw.clients.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.idleclaw.e2e.Cli;
import dev.idleclaw.server.Hub;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.json.Json;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.node.NodeTimings;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.tls.ExtraTrust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub deployed as docs/operations.md describes: on loopback behind nginx running the shipped site config with TLS
 * (a self-signed certificate made for the test), {@code --trusted-proxy} set to nginx's address. A node connects
 * over {@code wss://}, {@code idleclaw consume} and {@code balance} (signed requests) and the official OpenAI SDK
 * over {@code https://}, each trusting the certificate as a user would.
 */
class BehindNginxTest {
    private static final String MODEL = "llama3.2:3b";
    private static final String ADMIN = "test-admin-token";
    /**
     * Tokens this far apart: a buffering proxy would deliver them in one burst at the end. (The first two may
     * arrive together even without a proxy, so the test asks for the spread of the other gaps.)
     */
    private static final Duration TOKEN_GAP = Duration.ofMillis(250);
    private static final String TEXT = String.join("", Behaviour.DEFAULT_TOKENS);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static StandInOllama ollama;
    private static Hub hub;
    private static Nginx nginx;
    private static SelfSigned tls;
    private static NodeAgent node;
    private static Thread nodeThread;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Nginx.binary();
        tls = SelfSigned.create(dir);
        ollama = StandInOllama.start().model(StandInModel.of(MODEL)).behaviour(Behaviour.defaults().withDelayPerToken(TOKEN_GAP));
        Path data = Files.createDirectories(dir.resolve("hub"));
        hub = HubFixture.on(data, c -> {
            c.trustedProxies = List.of(Nginx.UPSTREAM_SOURCE);
            c.adminToken = ADMIN;
        }).hub;
        nginx = Nginx.start(binary, Path.of(System.getProperty("idleclaw.deploy", "../../deploy")), dir.resolve("nginx"), hub.port(), tls);
        var timings = NodeTimings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withDrain(Duration.ofSeconds(2));
        var config = NodeConfig.of(nginx.url("wss") + "/ws/node", ollama.baseUrl(), 2).withTimings(timings)
                .withIdentity(Identity.generate()).withTls(ExtraTrust.sslContext(tls.cert()));
        node = new NodeAgent(config);
        nodeThread = Thread.ofVirtual().name("node").start(() -> {
            try {
                node.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        await().atMost(WAIT).until(() -> hub.registry().registered().size() == 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.stop();
        if (nodeThread != null) nodeThread.join(WAIT);
        if (nginx != null) nginx.close();
        if (hub != null) hub.close();
        if (ollama != null) ollama.close();
    }

    @Test
    void nginxAcceptsTheShippedSiteConfig() {
        assertThat(nginx.configTest).contains("syntax is ok").contains("test is successful");
    }

    @Test
    void theHubSeesTheNodesAddressThroughNginxNotNginxsOwn() throws Exception {
        assertThat(hub.registry().registered()).singleElement().satisfies(link -> assertThat(link.ip()).isEqualTo("127.0.0.1"));

        var res = https().send(HttpRequest.newBuilder(URI.create(nginx.url("https") + "/admin/nodes"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(Json.parse(res.body()).path("nodes").path(0).path("ip").asText()).isEqualTo("127.0.x.x");
    }

    @Test
    void consumeSignsAChatThatVerifiesThroughNginxAndIsCharged() throws Exception {
        Path identity = dir.resolve("consumer.json");
        String key = IdentityFile.loadOrCreate(identity, false).identity().publicKey();

        var chat = Cli.run("consume", "--server", nginx.url("https"), "--ca-cert", tls.cert().toString(),
                "--identity", identity.toString(), "--model", MODEL, "--prompt", "Say hello");
        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(chat.out()).contains(TEXT);
        await().atMost(WAIT).until(() -> hub.ledger().account(key).spent() > 0);

        var balance = Cli.run("balance", "--server", nginx.url("https"), "--ca-cert", tls.cert().toString(), "--identity", identity.toString());
        assertThat(balance.exit()).as(balance.err()).isZero();
        assertThat(balance.out()).contains("public key: " + key).doesNotContain("spent: 0\n");
    }

    @Test
    void consumeWithoutTheCertificateSaysItIsNotTrusted() {
        var r = Cli.run("consume", "--server", nginx.url("https"), "--anonymous", "--model", MODEL, "--prompt", "hi");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("TLS certificate is not trusted").contains("--ca-cert");
    }

    @Test
    void openAiSdkStreamsEachTokenAsItComesThroughNginx() throws Exception {
        var params = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello").build();
        var arrivals = new ArrayList<Long>();
        var text = new StringBuilder();
        OpenAIClient client = openAi();
        // One unmeasured stream first: the SDK's first use loads and links many classes while the answer is already
        // arriving, which bunches the first tokens together in the client (seen with no proxy at all on a busy machine).
        try (var warmUp = client.chat().completions().createStreaming(params)) {
            warmUp.stream().forEach(chunk -> {});
        }
        try (var stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().filter(s -> !s.isEmpty()).ifPresent(s -> {
                arrivals.add(System.nanoTime());
                text.append(s);
            })));
        } finally {
            client.close();
        }

        assertThat(text.toString()).isEqualTo(TEXT);
        long spreadMillis = (arrivals.getLast() - arrivals.getFirst()) / 1_000_000;
        assertThat(spreadMillis).as("tokens %s ms apart arrived within %d ms", TOKEN_GAP.toMillis(), spreadMillis)
                .isGreaterThanOrEqualTo(TOKEN_GAP.toMillis() * (Behaviour.DEFAULT_TOKENS.size() - 3));
    }

    @Test
    void openAiSdkListsModelsAndChatsOverHttps() throws Exception {
        OpenAIClient client = openAi();
        try {
            assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly(MODEL);
            var completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                    .addUserMessage("Say hello").build());
            assertThat(completion.choices().getFirst().message().content()).contains(TEXT);
        } finally {
            client.close();
        }
    }

    @Test
    void plainHttpIsRedirectedToHttps() throws Exception {
        var res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.httpPort + "/health")).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(res.statusCode()).isEqualTo(301);
        assertThat(res.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("https://").endsWith("/health"));
    }

    private static HttpClient https() throws Exception {
        return HttpClient.newBuilder().sslContext(tls.sslContext()).build();
    }

    /** The SDK as its user would set it up for a hub with a self-signed certificate. */
    private static OpenAIClient openAi() throws Exception {
        return OpenAIOkHttpClient.builder().baseUrl(nginx.url("https") + "/v1").apiKey("unused")
                .sslSocketFactory(tls.sslContext().getSocketFactory()).trustManager(tls.trustManager())
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }
}
