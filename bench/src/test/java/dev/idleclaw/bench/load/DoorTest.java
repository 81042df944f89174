package dev.idleclaw.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.bench.load.Door.Line;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-scan classification of each dialect's lines. */
class DoorTest {
    static Line classify(Door door, String line) {
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        return door.classify(b, 2, b.length - 2);
    }

    @Test
    void idleClawSse() {
        assertThat(classify(Door.IDLECLAW, "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"tok \"},\"index\":0}]}")).isEqualTo(Line.TOKEN);
        assertThat(classify(Door.IDLECLAW, "data: {\"choices\":[{\"delta\":{\"content\":\"hm\",\"reasoning\":true}}]}")).isEqualTo(Line.NONE);
        assertThat(classify(Door.IDLECLAW, "data: {\"choices\":[{\"delta\":{\"content\":\"\\n\\n[Error: request timed out]\"}}]}")).isEqualTo(Line.ERROR);
        assertThat(classify(Door.IDLECLAW, "data: [DONE]")).isEqualTo(Line.END);
        assertThat(classify(Door.IDLECLAW, ": ping - 2026-01-01 00:00:00")).isEqualTo(Line.NONE);
        assertThat(classify(Door.IDLECLAW, "")).isEqualTo(Line.NONE);
    }

    @Test
    void spacesAfterColonsAsPythonsJsonDumpsWritesThem() {
        assertThat(classify(Door.IDLECLAW, "data: {\"id\": \"c\", \"choices\": [{\"delta\": {\"content\": \"tok\"}, \"index\": 0}]}")).isEqualTo(Line.TOKEN);
        assertThat(classify(Door.IDLECLAW, "data: {\"choices\": [{\"delta\": {\"content\": \"\"}}]}")).isEqualTo(Line.NONE);
        assertThat(classify(Door.IDLECLAW, "data: {\"choices\": [{\"delta\": {\"content\": \"hm\", \"reasoning\": true}}]}")).isEqualTo(Line.NONE);
        assertThat(classify(Door.OLLAMA, "{\"message\": {\"content\": \"\"}, \"done\": true}")).isEqualTo(Line.END);
        assertThat(classify(Door.OLLAMA, "{\"message\": {\"content\": \"x\"}, \"done\": false}")).isEqualTo(Line.TOKEN);
    }

    @Test
    void ollamaNdjson() {
        for (Door d : new Door[] {Door.OLLAMA, Door.DIRECT_OLLAMA}) {
            assertThat(classify(d, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}")).isEqualTo(Line.TOKEN);
            assertThat(classify(d, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"eval_count\":3}")).isEqualTo(Line.END);
            assertThat(classify(d, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"x\"},\"done\":false}")).isEqualTo(Line.NONE);
            assertThat(classify(d, "{\"error\":\"node disconnected\"}")).isEqualTo(Line.ERROR);
        }
    }

    @Test
    void openAiSse() {
        assertThat(classify(Door.OPENAI, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}")).isEqualTo(Line.TOKEN);
        assertThat(classify(Door.OPENAI, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")).isEqualTo(Line.NONE);
        assertThat(classify(Door.OPENAI, "data: {\"error\":{\"message\":\"x\",\"type\":\"api_error\"}}")).isEqualTo(Line.ERROR);
        assertThat(classify(Door.OPENAI, "data: [DONE]")).isEqualTo(Line.END);
        assertThat(classify(Door.OPENAI, ": keep-alive")).isEqualTo(Line.NONE);
    }

    @Test
    void labels() {
        assertThat(Door.of("direct-ollama")).isEqualTo(Door.DIRECT_OLLAMA);
        assertThat(Door.OPENAI.label()).isEqualTo("openai");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] ms = new long[100];
        for (int i = 0; i < 100; i++) ms[i] = (100 - i) * 1_000_000L;
        var l = Latency.of(ms);
        assertThat(l.p50()).isEqualTo(50.0);
        assertThat(l.p90()).isEqualTo(90.0);
        assertThat(l.p99()).isEqualTo(99.0);
        assertThat(l.max()).isEqualTo(100.0);
    }
}
