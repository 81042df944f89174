package dev.idleclaw.server;

import static dev.idleclaw.server.HubTestSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.wire.NodeMessage;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator API behind the admin token: node list, disconnect, bans that hold, API keys in the ledger. */
@Timeout(60)
class AdminApiTest {
    private static final String TOKEN = "operator-token-for-tests";
    private static final String[] AS_ADMIN = {"Authorization", "Bearer " + TOKEN};
    private HubFixture hub;

    @BeforeEach
    void start() throws Exception {
        hub = HubFixture.start(c -> c.adminToken = TOKEN);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return hub.send(hub.port(), method, path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    }

    @Test
    void everyOperatorRouteRefusesWithoutTheToken() throws Exception {
        for (String[] route : List.of(new String[] {"GET", "/admin/nodes"}, new String[] {"POST", "/admin/nodes/x/disconnect"},
                new String[] {"POST", "/admin/nodes/x/ban"}, new String[] {"GET", "/admin/bans"}, new String[] {"POST", "/admin/bans"},
                new String[] {"DELETE", "/admin/bans/x"}, new String[] {"GET", "/admin/keys"}, new String[] {"POST", "/admin/keys"},
                new String[] {"DELETE", "/admin/keys/x"}, new String[] {"GET", "/admin/trust"},
                new String[] {"POST", "/admin/trust/lob1" + "a".repeat(64) + "/trust"})) {
            for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                    new String[] {"Cookie", "token=" + TOKEN})) {
                var res = hub.send(hub.port(), route[0], route[1] + "?token=" + TOKEN, "{}", headers);
                assertThat(res.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            }
        }
    }

    @Test
    void nodeListShowsLoadReputationAndWhatEachServedWithAMaskedAddress() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 3, "m:1").serving(List.of("a", "b"))) {
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(200);
            JsonNode n = json(hub.get("/admin/nodes", AS_ADMIN)).path("nodes").get(0);
            assertThat(n.path("ip").asText()).isEqualTo("127.0.x.x");
            assertThat(n.path("anonymous").asBoolean()).isTrue();
            assertThat(n.path("kind").asText()).isEqualTo("node");
            assertThat(n.path("max_concurrent").asInt()).isEqualTo(3);
            assertThat(n.path("reputation").asDouble()).isPositive();
            assertThat(n.path("answers").asInt()).isEqualTo(1);
            assertThat(n.path("tokens_served").asInt()).isEqualTo(2);
            assertThat(n.path("chars_received").asLong()).isPositive();
            assertThat(n.path("probes").path("passed").asInt()).isZero();
            assertThat(n.path("models").get(0).asText()).isEqualTo("m:1");
        }
    }

    @Test
    void disconnectClosesTheNodesConnection() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            assertThat(admin("POST", "/admin/nodes/nope/disconnect", "").statusCode()).isEqualTo(404);
            var res = admin("POST", "/admin/nodes/" + node.nodeId() + "/disconnect", "");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(node.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
            awaitNodes(0);
        }
    }

    @Test
    void anAddressBanClosesTheNodeRefusesItsReconnectsAndRequestsUntilLifted() throws Exception {
        try (var node = StandInNode.registered(hub.port(), 2, "m:1")) {
            var res = admin("POST", "/admin/nodes/" + node.nodeId() + "/ban", "{\"what\":\"address\",\"seconds\":600}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(json(res).path("target").asText()).isEqualTo("127.0.x.x");
            assertThat(node.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }
        try (var again = StandInNode.connect(hub.port())) {
            again.send(Json.object().put("type", "register").put("node_id", "again").set("models", Json.array().add(
                    Json.object().put("name", "m:1").put("size", 1))));
            var close = again.closed().get(10, TimeUnit.SECONDS);
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).contains("banned");
        }
        assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(403);
        JsonNode bans = json(hub.get("/admin/bans", AS_ADMIN)).path("bans");
        assertThat(bans.size()).isEqualTo(1);
        assertThat(bans.toString()).doesNotContain("127.0.0.1");
        assertThat(admin("DELETE", "/admin/bans/" + bans.get(0).path("id").asText(), null).statusCode()).isEqualTo(200);
        try (var back = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBanEndsByItself() throws Exception {
        var res = admin("POST", "/admin/bans", "{\"address\":\"127.0.0.1\",\"seconds\":1}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(403);
        Thread.sleep(1_200);
        assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).as("no node, but no longer banned").isEqualTo(503);
    }

    @Test
    void aKeyBanRefusesAnAuthenticatedNodeWhateverItsAddress() throws Exception {
        var key = Identity.generate();
        try (var node = authenticated("keyed", key)) {
            assertThat(node.next().path("type").asText()).isEqualTo("registered");
            var res = admin("POST", "/admin/nodes/keyed/ban", "{\"what\":\"key\",\"seconds\":60}");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(json(res).path("target").asText()).isEqualTo(key.publicKey());
            assertThat(node.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }
        try (var again = authenticated("keyed-2", key)) {
            assertThat(again.closed().get(10, TimeUnit.SECONDS).reason()).contains("banned");
        }
        try (var other = authenticated("other", Identity.generate())) {
            assertThat(other.next().path("type").asText()).as("another key from the same address").isEqualTo("registered");
        }
    }

    @Test
    void apiKeysAreIssuedListedAndRevokedInTheLedgerAndAKeyBanRefusesItsRequests() throws Exception {
        var owner = Identity.generate();
        assertThat(admin("POST", "/admin/keys", "{\"pubkey\":\"nope\"}").statusCode()).isEqualTo(422);
        var created = admin("POST", "/admin/keys", "{\"pubkey\":\"" + owner.publicKey() + "\",\"label\":\"alice\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String apiKey = json(created).path("api_key").asText();
        assertThat(apiKey).startsWith("ick_");
        assertThat(hub.hub.ledger().apiKeys()).singleElement().satisfies(k -> assertThat(k.label()).isEqualTo("alice"));
        var list = hub.get("/admin/keys", AS_ADMIN);
        assertThat(json(list).path("keys").get(0).path("pubkey").asText()).isEqualTo(owner.publicKey());
        assertThat(list.body()).doesNotContain(apiKey);

        try (var node = StandInNode.registered(hub.port(), 2, "m:1").serving(List.of("ok"))) {
            assertThat(hub.chat(HubFixture.ask("m:1", "hi"), "Authorization", "Bearer " + apiKey).statusCode()).isEqualTo(200);
            var ban = admin("POST", "/admin/bans", "{\"key\":\"" + owner.publicKey() + "\",\"seconds\":60}");
            assertThat(ban.statusCode()).as(ban.body()).isEqualTo(200);
            assertThat(hub.chat(HubFixture.ask("m:1", "hi"), "Authorization", "Bearer " + apiKey).statusCode()).isEqualTo(403);
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).as("others still chat").isEqualTo(200);

            assertThat(admin("DELETE", "/admin/keys/" + owner.publicKey(), null).statusCode()).isEqualTo(200);
            assertThat(hub.hub.ledger().apiKeys()).isEmpty();
            assertThat(hub.chat(HubFixture.ask("m:1", "hi"), "Authorization", "Bearer " + apiKey).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void trustSuspendBanAndResetChangeAKeysStandingAndTheListShowsIt() throws Exception {
        var key = Identity.generate();
        String path = "/admin/trust/" + key.publicKey() + "/";
        assertThat(admin("POST", "/admin/trust/nope/trust", "").statusCode()).isEqualTo(422);
        assertThat(admin("POST", path + "promote", "").statusCode()).isEqualTo(404);
        assertThat(admin("POST", path + "ban?seconds=0", "").statusCode()).as("a ban of no time").isEqualTo(422);
        try (var node = authenticated("keyed", key)) {
            assertThat(node.next().path("type").asText()).isEqualTo("registered");
            JsonNode row = json(hub.get("/admin/nodes", AS_ADMIN)).path("nodes").get(0);
            assertThat(row.path("standing").asText()).isEqualTo("probation");
            assertThat(row.path("checks_passed").asInt()).isZero();

            assertThat(json(admin("POST", path + "suspend", "")).path("standing").asText()).isEqualTo("operator_suspended");
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).as("a suspended key gets no consumer traffic").isEqualTo(503);
            assertThat(json(hub.get("/admin/nodes", AS_ADMIN)).path("nodes").get(0).path("available").asBoolean()).isFalse();
            JsonNode listed = json(hub.get("/admin/trust", AS_ADMIN));
            assertThat(listed.path("probation_checks").asInt()).isEqualTo(5);
            assertThat(listed.path("suspend_below").asDouble()).isEqualTo(0.2);
            JsonNode k = listed.path("keys").get(0);
            assertThat(k.path("pubkey").asText()).isEqualTo(key.publicKey());
            assertThat(k.path("standing").asText()).isEqualTo("operator_suspended");
            assertThat(k.path("held").asLong()).isZero();
            assertThat(k.path("connected").asInt()).isEqualTo(1);
            assertThat(json(admin("POST", path + "trust", "")).path("standing").asText()).isEqualTo("operator_trusted");

            var ban = admin("POST", path + "ban?seconds=60", "");
            assertThat(ban.statusCode()).as(ban.body()).isEqualTo(200);
            assertThat(json(ban).path("standing").asText()).as("a banned key must earn trust again").isEqualTo("probation");
            assertThat(json(ban).path("closed").asInt()).isEqualTo(1);
            assertThat(node.closed().get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
        }
        try (var again = authenticated("keyed-2", key)) {
            assertThat(again.closed().get(10, TimeUnit.SECONDS).reason()).contains("banned");
        }
        assertThat(json(admin("POST", path + "reset", "")).path("banned").asBoolean()).as("a reset lifts the key's ban").isFalse();
        try (var back = authenticated("keyed-3", key)) {
            assertThat(back.next().path("type").asText()).isEqualTo("registered");
        }
    }

    /** A node that proves {@code key} at registration (it has sent its register; its next message is the answer). */
    private StandInNode authenticated(String id, Identity key) throws Exception {
        var node = HubTestSupport.connectAuthenticating(hub.port());
        JsonNode challenge = node.next();
        long now = System.currentTimeMillis();
        ObjectNode r = Json.object().put("type", "register").put("node_id", id);
        r.putArray("models").addObject().put("name", "m:1").put("size", 5);
        byte[] message = NodeMessage.NodeAuth.message(challenge.path("challenge").asText(), challenge.path("hub_key").asText(), id, now);
        r.putObject("auth").put("pubkey", key.publicKey()).put("timestamp", now).put("signature", key.sign(message));
        node.send(r);
        return node;
    }

    private void awaitNodes(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.hub.registry().count() != n) {
            if (System.nanoTime() > deadline) throw new AssertionError("expected " + n + " nodes");
            Thread.sleep(50);
        }
    }
}
