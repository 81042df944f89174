package dev.idleclaw.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.idleclaw.auth.ForwardSignature;
import dev.idleclaw.e2e.ClusterHubs;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.json.Json;
import dev.idleclaw.registry.MemberTransport;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A member whose forward-nonce table is full ({@link ForwardNonces#MAX_LIVE} live nonces) refuses further forwards
 * with 429 (docs/protocol.md "Cluster forwarding"): the refusal names the bound, and the forwarding hub takes it as
 * the member being unavailable (it fails over, and logs why once a minute), never as the consumer's fault.
 */
@Timeout(120)
class FullForwardNoncesTest {
    private static final String MODEL = "llama3.2:3b";
    private static final String HOST = "127.0.0.1:9000";
    private final ClusterHubs cluster = new ClusterHubs(MODEL);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ch.qos.logback.classic.Logger transportLog =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(MemberTransport.class);

    @AfterEach
    void stop() throws Exception {
        transportLog.detachAppender(logged);
        cluster.close();
    }

    @Test
    void theRouteRefusesAForwardWith429OnceItsNonceTableIsFullAndTakesOneAgainOnceOldOnesExpire() throws Exception {
        Identity member = Identity.generate();
        long start = System.currentTimeMillis();
        var nonces = new ForwardNonces(start, MemberAuth.CLUSTER_SKEW_MILLIS, 2);
        var auth = new MemberAuth(member.publicKey()::equals, nonces, Identity.generate().publicKey(), HOST, MemberTransport.PATH);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2; i++) auth.verify(signed(member, body, start)::get, body, start);
        assertThatThrownBy(() -> auth.verify(signed(member, body, start)::get, body, start))
                .isInstanceOfSatisfying(MemberAuth.Refused.class, e -> {
                    assertThat(e.status).isEqualTo(429);
                    assertThat(e.getMessage()).contains("too many forwards").contains("at most 2");
                });
        long later = start + 2 * MemberAuth.CLUSTER_SKEW_MILLIS + 1; // the first two have expired
        assertThat(auth.verify(signed(member, body, later)::get, body, later).forwarder()).isEqualTo(member.publicKey());
    }

    @Test
    void aConsumerIsNeverToldTheMembersNonceTableIsFullTheForwardingHubFailsOverAndSaysWhy() throws Exception {
        Network a = cluster.hub(), b = cluster.hub();
        StandInOllama onB = cluster.ollama().recordRequests(true);
        b.addNode(onB, Identity.generate());
        cluster.awaitMember(a, b);
        logged.start();
        transportLog.addAppender(logged);
        // B's own table, filled to its production bound with nonces live for the next 30 s.
        ForwardNonces full = b.hub.forwarding().nonces();
        long now = System.currentTimeMillis();
        for (int i = 0; full.live() < ForwardNonces.MAX_LIVE; i++) full.claim("filler", "n" + i, now, now);

        for (int i = 0; i < 2; i++) {
            var res = cluster.post(a, "/api/chat", "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}", null);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
            assertThat(Json.parse(res.body()).path("error").asText()).doesNotContain("forwards").isNotBlank();
        }
        assertThat(ClusterHubs.chats(onB)).isZero();
        assertThat(ClusterHubs.forwarded(a, "unavailable")).isEqualTo(2);
        assertThat(ClusterHubs.forwarded(a, "refused")).isZero();
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                .singleElement().asString().contains("refused this hub's forward").contains("429").contains("too many forwards"); // once a minute
    }

    private static java.util.Map<String, String> signed(Identity member, byte[] body, long at) {
        return ForwardSignature.sign(member, "POST", MemberTransport.PATH, HOST, body, "anonymous", List.of(), at);
    }
}
