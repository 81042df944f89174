package dev.idleclaw.server;

import static dev.idleclaw.server.HubFixture.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code Bearer} scheme is case-insensitive (RFC 9110 §11.1) for the admin token and for API keys; tokens are not. */
class AuthSchemeTest {
    static HubFixture hub;
    static StandInNode node;

    @BeforeAll
    static void start() throws Exception {
        hub = HubFixture.start(c -> c.adminToken = "s3cret-Token");
        node = StandInNode.registered(hub.port(), 4, "m:1").serving(List.of("ok"));
    }

    @AfterAll
    static void stop() {
        node.close();
        hub.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void theAdminTokenIsAcceptedWhateverTheSchemesCase(String scheme) throws Exception {
        var res = hub.get("/admin/nodes", "Authorization", scheme + " s3cret-Token");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(HubTestSupport.json(res).path("nodes")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer s3cret-token", "Basic s3cret-Token", "Bearers3cret-Token", "bearer ", "s3cret-Token"})
    void anythingButTheExactTokenIsRefused(String authorization) throws Exception {
        assertThat(hub.get("/admin/nodes", "Authorization", authorization).statusCode()).isEqualTo(401);
    }

    @Test
    void anApiKeyIsRecognisedWhateverTheSchemesCase() throws Exception {
        String key = ApiKeys.generate();
        hub.hub.ledger().addApiKey(ApiKeys.sha256(key), Identity.generate().publicKey(), "test");
        for (String scheme : List.of("bearer", "BEARER")) {
            assertThat(hub.chat(ask("m:1", "hi"), "Authorization", scheme + " " + key).statusCode()).isEqualTo(200);
            var unknown = hub.chat(ask("m:1", "hi"), "Authorization", scheme + " " + ApiKeys.generate());
            assertThat(unknown.statusCode()).as("an unknown key is refused, so the scheme was recognised").isEqualTo(401);
        }
    }
}
