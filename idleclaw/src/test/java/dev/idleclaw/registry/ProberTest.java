package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.idleclaw.server.HubFixture;
import dev.idleclaw.server.Sse;
import dev.idleclaw.testkit.StandInNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProberTest {
    private static final Prober.Question SEVEN_TIMES_SIX = Prober.QUESTIONS.getFirst();

    @Test
    void aCorrectAnswerRaisesReputationAndAWrongOneLowersItMore() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1", "m:2")) {
            var prober = new Prober(hub.hub.registry(), hub.hub.scheduler());
            NodeLink link = hub.hub.registry().registered().getFirst();

            node.serving(List.of("The answer is ", "42", "."));
            assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isTrue();
            assertThat(hub.hub.scheduler().reputation(link)).isCloseTo(0.55, within(1e-9));
            var probe = node.nextOfType("inference_request");
            assertThat(probe.path("request_id").asText()).startsWith("probe-");
            assertThat(probe.path("ollama_params").path("model").asText()).isEqualTo("m:1");
            assertThat(probe.path("ollama_params").has("think")).isFalse();
            assertThat(probe.path("ollama_params").path("messages")).hasSize(1);
            assertThat(node.nextOfType("cancel_request").path("request_id")).isEqualTo(probe.path("request_id"));

            node.serving(List.of("41"));
            assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isFalse();
            assertThat(hub.hub.scheduler().reputation(link)).isCloseTo(0.40, within(1e-9));

            node.onRequest(req -> node.error(req.path("request_id").asText(), "ollama_error"));
            assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isFalse();
            assertThat(hub.hub.scheduler().reputation(link)).isCloseTo(0.25, within(1e-9));
        }
    }

    @Test
    void aNodeBelowTheSuspendThresholdIsNotRoutedToButPassedProbesBringItBack() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var prober = new Prober(hub.hub.registry(), hub.hub.scheduler());
            NodeLink link = hub.hub.registry().registered().getFirst();
            node.serving(List.of("no idea"));
            for (int i = 0; i < 4; i++) prober.probe(link, SEVEN_TIMES_SIX);
            assertThat(hub.hub.scheduler().reputation(link)).isZero();
            assertThat(hub.chat(HubFixture.ask("m:1", "hi")).statusCode()).isEqualTo(503);
            // No node would serve m:1, so it is not listed (issue 11 #1), but the node still gets probes.
            assertThat(hub.hub.info().models().path("models")).isEmpty();

            node.serving(List.of("42"));
            // Suspended below 0.2 (--suspend-below): three passes (0.15) are not enough, the fourth (0.2) is.
            for (int i = 0; i < 3; i++) assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isTrue();
            assertThat(hub.hub.scheduler().suspended(link)).isTrue();
            assertThat(hub.hub.info().models().path("models")).isEmpty();
            assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isTrue();
            assertThat(hub.hub.scheduler().suspended(link)).isFalse();
            assertThat(hub.hub.info().models().path("models").get(0).asText()).isEqualTo("m:1");
            assertThat(Sse.parse(hub.chat(HubFixture.ask("m:1", "hi")).body()).content()).isEqualTo("42");
        }
    }

    @Test
    void skipsNodesWithoutAFreeSlot() throws Exception {
        try (var hub = HubFixture.start(); var node = StandInNode.registered(hub.port(), 1, "m:1")) {
            var answering = Thread.ofVirtual().start(() -> {
                try {
                    hub.chat(HubFixture.ask("m:1", "hi"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            var req = node.nextOfType("inference_request");
            var prober = new Prober(hub.hub.registry(), hub.hub.scheduler());
            NodeLink link = hub.hub.registry().registered().getFirst();
            assertThat(prober.probe(link, SEVEN_TIMES_SIX)).isFalse();
            assertThat(hub.hub.scheduler().reputation(link)).isCloseTo(0.5, within(1e-9));
            node.done(req.path("request_id").asText());
            answering.join();
        }
    }
}
