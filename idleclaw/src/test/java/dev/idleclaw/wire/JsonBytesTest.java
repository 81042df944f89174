package dev.idleclaw.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonBytesTest {
    private static void exact(JsonNode n) {
        assertThat(JsonBytes.of(n)).isEqualTo(Json.write(n).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void countsExactlyWhatJacksonWrites() throws Exception {
        exact(Json.parse("{}"));
        exact(Json.parse("[]"));
        exact(Json.parse("{\"a\":[1,2.5,-3e10,true,false,null,\"x\"],\"b\":{\"c\":{}}}"));
        var o = Json.object().put("quote\"key", "back\\slash \"quoted\" \n\r\t\b\f \u0001\u001f end")
                .put("unicode", "é ü 中文 😀 \u2028").put("big", 12345678901234L).put("float", 0.1);
        o.putArray("nested").addObject().put("role", "system").put("content", "line\nline");
        exact(o);
    }

    @Test
    void randomStringsOfEveryKindCountExactly() {
        var random = new Random(42);
        for (int round = 0; round < 200; round++) {
            var sb = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                int kind = random.nextInt(5);
                sb.appendCodePoint(switch (kind) {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> 0x20 + random.nextInt(0x60);
                    case 2 -> 0x80 + random.nextInt(0x780);
                    case 3 -> 0x800 + random.nextInt(0xD000);
                    default -> 0x10000 + random.nextInt(0x1000);
                });
            }
            exact(Json.object().put("s", sb.toString()));
        }
    }
}
