package dev.idleclaw.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.registry.Suspicion;
import dev.idleclaw.server.HubFixture;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryShapeTest {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void aCanaryLooksLikeAConsumerRequestAndAWrongAnswerIsFlaggedWithItsTaskKind() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            NodeLink link = hub.hub.registry().registered().getFirst();
            node.serving(List.of("I", " do", " not", " know."));
            assertThat(hub.hub.verification().checks().canary(link, "m:1")).isTrue();
            var request = node.nextOfType("inference_request");
            assertThat(request.path("request_id").asText()).matches(UUID);
            assertThat(request.has("requester")).isFalse();
            var params = request.path("ollama_params");
            assertThat(params.path("model").asText()).isEqualTo("m:1");
            assertThat(params.path("stream").asBoolean()).isTrue();
            assertThat(params.has("options")).isFalse();
            assertThat(params.path("messages").get(params.path("messages").size() - 1).path("role").asText()).isEqualTo("user");
            assertThat(link.suspicion().flags()).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(Suspicion.Reason.CANARY);
                assertThat(f.detail()).matches("wrong answer to a [a-z_]+ canary on m:1");
            });
            assertThat(hub.hub.scheduler().reputation(link))
                    .isCloseTo(Scheduler.INITIAL_REPUTATION - HiddenChecks.CANARY_PENALTY, within(1e-9));
            assertThat(link.served().probesFailed()).isEqualTo(1);
        }
    }

    @Test
    void aNodeWithoutAFreeSlotGetsNoCanary() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            NodeLink link = hub.hub.registry().registered().getFirst();
            var held = hub.hub.scheduler().tryAcquire(link);
            assertThat(held).isNotNull();
            assertThat(hub.hub.verification().checks().canary(link, "m:1")).isFalse();
            assertThat(link.suspicion().flags()).isEmpty();
        }
    }
}
