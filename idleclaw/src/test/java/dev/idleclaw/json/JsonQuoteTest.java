package dev.idleclaw.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/**
 * The doors write their per-token lines as text with {@link Json#quote}; those lines must be byte for byte what the
 * tree writer {@link Json#write} gives, so every string must be quoted and escaped exactly as Jackson writes it.
 */
class JsonQuoteTest {

    @Test
    void everyCharacterIsQuotedAsTheTreeWriterWritesIt() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String s = "a" + c + "b";
            assertThat(Json.quote(s)).as("U+%04X", (int) c).isEqualTo(Json.write(TextNode.valueOf(s)));
        }
    }

    @Test
    void wholeTextsWithPairsAndLoneSurrogatesAreQuotedAsTheTreeWriterWritesThem() {
        for (String s : new String[] {"", "plain", "line\nbreak\ttab\r\u0000\u001f\u007f", "quote\" back\\ slash/",
                "\uD83D\uDE00 emoji", "lone \uD800 high", "lone \uDC00 low", "é中\u2028\u2029"}) {
            assertThat(Json.quote(s)).as(s).isEqualTo(Json.write(TextNode.valueOf(s)));
        }
    }
}
