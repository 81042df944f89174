package dev.idleclaw.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing a request body once: the tree the hub parsed is the one the door decodes, and refusals read as before. */
class BodyJsonTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1); // Latin-1 code points stand for raw bytes
    }

    @Test
    void aBodyParsedOnceIsHandedToTheDoorAsIs() throws Exception {
        byte[] body = bytes("{\"model\":\"m\",\"messages\":[]}");
        var tree = BodyJson.parsedOrNull(body);
        assertThat(tree).isNotNull();
        assertThat(BodyJson.object(body, tree)).isSameAs(tree);
    }

    @Test
    void whatParsedOrNullRefusesTheDoorRefusesWithItsOwnMessage() {
        for (String bad : new String[] {"", "{\"model\":", "{} x", "[1]", "{\"a\":\"\u00c0\u00af\"}", "nope"}) {
            byte[] body = bytes(bad);
            var tree = BodyJson.parsedOrNull(body);
            assertThat(tree == null || !tree.isObject()).as(bad).isTrue();
            var direct = catchDoorError(() -> BodyJson.object(body));
            var handed = catchDoorError(() -> BodyJson.object(body, tree));
            assertThat(handed.status()).as(bad).isEqualTo(400).isEqualTo(direct.status());
            assertThat(handed.getMessage()).as(bad).isEqualTo(direct.getMessage());
        }
        assertThatThrownBy(() -> BodyJson.object(bytes("{} x"), null)).hasMessage("invalid character 'x' after top-level value");
    }

    interface Parse {
        Object run() throws DoorError;
    }

    private static DoorError catchDoorError(Parse p) {
        try {
            p.run();
        } catch (DoorError e) {
            return e;
        }
        throw new AssertionError("not refused");
    }
}
