package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which host a signed request must name when the hub sits behind a reverse proxy: the proxy rewrites {@code Host}
 * (nginx's {@code $host} drops the port), so the hub checks {@code X-Forwarded-Host} from a trusted proxy, or its
 * configured public URL, instead.
 */
class SignedBehindProxyTest {
    private static final String PUBLIC = "hub.example.org:8443";
    private final Identity me = Identity.generate();

    @Test
    void aSignatureForTheForwardedHostIsAcceptedFromATrustedProxy() throws Exception {
        try (var hub = HubFixture.start(c -> c.trustedProxies = List.of("127.0.0.1"))) {
            var res = balance(hub, PUBLIC, "X-Forwarded-Host", PUBLIC);

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(Json.parse(res.body()).path("self").path("pubkey").asText()).isEqualTo(me.publicKey());
        }
    }

    @Test
    void theFirstOfSeveralForwardedHostsIsTheOneTheClientAskedFor() throws Exception {
        try (var hub = HubFixture.start(c -> c.trustedProxies = List.of("127.0.0.0/8"))) {
            var res = balance(hub, PUBLIC, "X-Forwarded-Host", PUBLIC + ", inner.example");

            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        }
    }

    @Test
    void forwardedHostFromAnUntrustedAddressIsIgnored() throws Exception {
        try (var hub = HubFixture.start(c -> c.trustedProxies = List.of("10.0.0.0/8"))) {
            var spoofed = balance(hub, PUBLIC, "X-Forwarded-Host", PUBLIC);
            assertThat(spoofed.statusCode()).isEqualTo(401);
            assertThat(spoofed.body()).contains("invalid request signature: bad signature");

            var direct = balance(hub, "127.0.0.1:" + hub.port(), "X-Forwarded-Host", PUBLIC);
            assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
        }
    }

    @Test
    void withAPublicUrlOnlyItsHostIsAccepted() throws Exception {
        Consumer<HubConfig.Builder> publicUrl = c -> {
            c.publicUrl = URI.create("https://hub.example.org");
            c.trustedProxies = List.of("127.0.0.1");
        };
        try (var hub = HubFixture.start(publicUrl)) {
            var named = balance(hub, "hub.example.org");
            assertThat(named.statusCode()).as(named.body()).isEqualTo(200);

            assertThat(balance(hub, "127.0.0.1:" + hub.port()).statusCode()).isEqualTo(401);
            assertThat(balance(hub, "elsewhere.example", "X-Forwarded-Host", "elsewhere.example").statusCode()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hub.example.org", "ftp://hub.example.org", "https://hub.example.org/idleclaw",
            "https://hub.example.org/?a=b", "https://user@hub.example.org", "https:///nohost"})
    void aPublicUrlThatIsNotAHubRootIsRefused(String url) {
        assertThatThrownBy(() -> HubConfig.builder(Path.of("unused")).apply(c -> c.publicUrl = URI.create(url)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public-url");
    }

    /** {@code GET /balance} signed for {@code signedHost}, sent straight to the hub with {@code headers}. */
    private HttpResponse<String> balance(HubFixture hub, String signedHost, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(hub.url("/balance"))).GET();
        RequestSignature.sign(me, "GET", "/balance", signedHost, new byte[0], System.currentTimeMillis()).forEach(b::header);
        if (headers.length > 0) b.headers(headers);
        return hub.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
