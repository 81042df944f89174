package dev.idleclaw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.StandInNode;
import dev.idleclaw.wire.NodeMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node authentication on {@code /ws/node}: a one-time challenge per connection, refused replays and forgeries. */
class NodeAuthenticationTest {
    private HubFixture hub;
    private final Identity key = Identity.generate();

    @BeforeEach
    void start() throws Exception {
        hub = HubFixture.start(c -> c.maxNodesPerIp = 10);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static ObjectNode register(String id) {
        ObjectNode r = Json.object().put("type", "register").put("node_id", id);
        r.putArray("models").addObject().put("name", "m:1").put("size", 5);
        return r;
    }

    private ObjectNode signedRegister(String id, JsonNode challenge, Identity signer, long timestamp) {
        ObjectNode r = register(id);
        byte[] message = NodeMessage.NodeAuth.message(challenge.path("challenge").asText(), challenge.path("hub_key").asText(), id, timestamp);
        r.putObject("auth").put("pubkey", signer.publicKey()).put("timestamp", timestamp).put("signature", signer.sign(message));
        return r;
    }

    @Test
    void aNodeThatAsksGetsAChallengeAndRegistersWithItsKey() throws Exception {
        try (var node = HubTestSupport.connectAuthenticating(hub.port())) {
            JsonNode challenge = node.next();
            assertThat(challenge.path("type").asText()).isEqualTo("auth_challenge");
            assertThat(challenge.path("challenge").asText()).matches("[0-9a-f]{32}");
            assertThat(challenge.path("hub_key").asText()).isEqualTo(hub.hub.publicKey());
            node.send(signedRegister("n1", challenge, key, System.currentTimeMillis()));
            assertThat(node.next().path("type").asText()).isEqualTo("registered");
            assertThat(hub.hub.registry().registered().getFirst().pubkey()).isEqualTo(key.publicKey());
        }
    }

    @Test
    void aCapturedRegistrationIsRefusedOnAnotherConnection() throws Exception {
        ObjectNode captured;
        try (var first = HubTestSupport.connectAuthenticating(hub.port())) {
            captured = signedRegister("n1", first.next(), key, System.currentTimeMillis());
            first.send(captured);
            assertThat(first.next().path("type").asText()).isEqualTo("registered");
        }
        try (var replay = HubTestSupport.connectAuthenticating(hub.port())) {
            assertThat(replay.next().path("type").asText()).isEqualTo("auth_challenge");
            replay.send(captured);
            assertThat(replay.awaitClose()).isEqualTo(new StandInNode.Close(1008, "authentication failed"));
        }
        try (var noChallenge = StandInNode.connect(hub.port())) {
            noChallenge.send(captured);
            assertThat(noChallenge.awaitClose()).isEqualTo(new StandInNode.Close(1008, "authentication without a challenge"));
        }
    }

    @Test
    void forgedStaleOrMissingProofsAreRefused() throws Exception {
        Identity other = Identity.generate();
        try (var node = HubTestSupport.connectAuthenticating(hub.port())) {
            ObjectNode r = signedRegister("n1", node.next(), other, System.currentTimeMillis());
            ((ObjectNode) r.get("auth")).put("pubkey", key.publicKey()); // claims a key it cannot sign for
            node.send(r);
            assertThat(node.awaitClose().reason()).isEqualTo("authentication failed");
        }
        try (var node = HubTestSupport.connectAuthenticating(hub.port())) {
            node.send(signedRegister("n2", node.next(), key, System.currentTimeMillis() - 301_000));
            assertThat(node.awaitClose().reason()).isEqualTo("authentication failed");
        }
        try (var node = HubTestSupport.connectAuthenticating(hub.port())) {
            node.next();
            node.send(register("n3"));
            assertThat(node.awaitClose().reason()).isEqualTo("authentication required");
        }
        assertThat(hub.hub.registry().registered()).isEmpty();
    }

    @Test
    void aKeyKeepsItsReputationAcrossConnectionsAndItsConnectionsAreCapped() throws Exception {
        hub.close();
        hub = HubFixture.start(c -> c.maxNodesPerIp = 2);
        try (var first = HubTestSupport.connectAuthenticating(hub.port()); var second = HubTestSupport.connectAuthenticating(hub.port());
             var third = HubTestSupport.connectAuthenticating(hub.port())) {
            first.send(signedRegister("a", first.next(), key, System.currentTimeMillis()));
            first.next();
            hub.hub.scheduler().adjustReputation(hub.hub.registry().registered().getFirst(), -0.3);
            first.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.hub.registry().registered().isEmpty());
            second.send(signedRegister("b", second.next(), key, System.currentTimeMillis()));
            second.next();
            assertThat(hub.hub.scheduler().reputation(hub.hub.registry().registered().getFirst())).isEqualTo(0.2);
            // Cap = the per-address cap (2 here): the second and third connections of one key from one address.
            third.send(signedRegister("c", third.next(), key, System.currentTimeMillis()));
            assertThat(third.next().path("type").asText()).isEqualTo("registered");
        }
        try (var fourth = HubTestSupport.connectAuthenticating(hub.port()); var fifth = HubTestSupport.connectAuthenticating(hub.port());
             var sixth = HubTestSupport.connectAuthenticating(hub.port())) {
            Identity other = Identity.generate();
            fourth.send(signedRegister("d", fourth.next(), other, System.currentTimeMillis()));
            fourth.next();
            fifth.send(signedRegister("e", fifth.next(), other, System.currentTimeMillis()));
            fifth.next();
            sixth.send(signedRegister("f", sixth.next(), other, System.currentTimeMillis()));
            assertThat(sixth.awaitClose().reason()).isIn("too many nodes for this key", "too many nodes from this IP");
        }
    }

    @Test
    void anAuthenticatedNodesIdIsTakenByNobodyButItsKey() throws Exception {
        try (var owner = HubTestSupport.connectAuthenticating(hub.port())) {
            owner.send(signedRegister("n1", owner.next(), key, System.currentTimeMillis()));
            assertThat(owner.next().path("type").asText()).isEqualTo("registered");
            try (var anonymous = StandInNode.connect(hub.port())) { // the same address, no key
                anonymous.send(register("n1"));
                assertThat(anonymous.awaitClose()).isEqualTo(new StandInNode.Close(1008, "node_id already registered"));
            }
            try (var otherKey = HubTestSupport.connectAuthenticating(hub.port())) {
                otherKey.send(signedRegister("n1", otherKey.next(), Identity.generate(), System.currentTimeMillis()));
                assertThat(otherKey.awaitClose()).isEqualTo(new StandInNode.Close(1008, "node_id already registered"));
            }
            assertThat(hub.hub.registry().registered()).singleElement().satisfies(l -> assertThat(l.pubkey()).isEqualTo(key.publicKey()));
            try (var sameKey = HubTestSupport.connectAuthenticating(hub.port())) {
                sameKey.send(signedRegister("n1", sameKey.next(), key, System.currentTimeMillis()));
                assertThat(sameKey.next().path("type").asText()).isEqualTo("registered");
                assertThat(owner.awaitClose()).isEqualTo(new StandInNode.Close(1000, "re-registered"));
            }
        }
    }

    @Test
    void anAnonymousNodesIdIsTakenOverFromItsOwnAddressOnly() throws Exception {
        try (var first = StandInNode.connect(hub.port()); var again = StandInNode.connect(hub.port())) {
            first.send(register("legacy"));
            assertThat(first.next().path("type").asText()).isEqualTo("registered");
            again.send(register("legacy"));
            assertThat(again.next().path("type").asText()).isEqualTo("registered");
            assertThat(first.awaitClose()).isEqualTo(new StandInNode.Close(1000, "re-registered"));
        }
    }

    @Test
    void anonymousNodesStillRegisterAndAreMarkedAnonymous() throws Exception {
        try (var node = StandInNode.connect(hub.port())) {
            node.send(register("legacy"));
            assertThat(node.next().path("type").asText()).isEqualTo("registered");
            assertThat(hub.hub.info().adminNodes().path("nodes").get(0).path("anonymous").asBoolean()).isTrue();
        }
    }
}
