package dev.idleclaw.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#parse(byte[])} reads the bytes in place; it must give what parsing the strictly decoded text gives: the
 * same tree, or the same kind of error about the same character (the doors turn that part of Jackson's message into
 * Go's; the rest of the wording differs between Jackson's byte and text parsers).
 */
class JsonParseTest {
    static final List<String> WELL_FORMED = List.of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hé — → 😀\"}]}",
            "{\"a\":\"q\\\"b\\\\s\\n\\u00e9\\ud83d\\ude00\",\"n\":[1,-2.5,3e10,12345678901234567890,0.1],\"t\":true,\"z\":null}",
            "  {\"nested\":{\"deep\":[[[{}]]]}}  \r\n", "[1,2]", "\"text\"", "42", "{}");
    static final List<String> MALFORMED = List.of("{\"model\":", "{\"a\":1} x", "{é}", "{\"a\":é}", "nope", "{\"a\":tru}",
            "{\"a\":1,}", "{'a':1}", "[1,]", "{\"a\":\"\u0001\"}", "{\"a\" 1}", "é", "\u0000{}", "{\"a\":01}", "{\"a\":\"x}",
            "\ufeff{\"bom\":1}");

    static JsonNode viaText(byte[] b) throws Exception {
        return Json.MAPPER.readTree(new String(b, StandardCharsets.UTF_8));
    }

    @Test
    void wellFormedBodiesGiveTheTreeTheirTextGives() throws Exception {
        for (String body : WELL_FORMED) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertThat(Json.parse(b)).as(body).isEqualTo(viaText(b));
        }
    }

    @Test
    void malformedBodiesFailWithTheMessageTheirTextGives() {
        for (String body : MALFORMED) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            assertThat(message(() -> Json.parse(b))).as(body).isEqualTo(message(() -> viaText(b)));
        }
    }

    @Test
    void utf16IsNotGuessedFromZeroBytes() {
        byte[] b = "{\"a\":1}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(message(() -> Json.parse(b))).isNotNull();
    }

    @Test
    void malformedUtf8IsRefusedWhereverItIs() {
        byte[] b = "{\"a\":\"0123456789abcdef0123456789abcdef\u00c0\u00af\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(message(() -> Json.parse(b))).isEqualTo("JsonParseException Invalid UTF-8 in JSON input");
    }

    interface Parse {
        JsonNode run() throws Exception;
    }

    /** The error's type and the start of its message (up to the first ": "), or null when it parsed. */
    private static String message(Parse p) {
        try {
            p.run();
            return null;
        } catch (JsonEOFException e) {
            return "JsonEOFException"; // its text names the token it was in, by parser; the doors only look at its type
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            int colon = m.indexOf(": ");
            return e.getClass().getSimpleName() + " " + (colon < 0 ? m : m.substring(0, colon));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
