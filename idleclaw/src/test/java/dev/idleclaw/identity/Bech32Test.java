package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Bech32Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesNip19sExampleKeys() {
        assertThat(Bech32.encode("npub", HEX.parseHex("7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")))
                .isEqualTo("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
        assertThat(Bech32.encode("nsec", HEX.parseHex("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa")))
                .isEqualTo("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
    }

    @Test
    void encodesBip173sEmptyDataVector() {
        assertThat(Bech32.encode("a", new byte[0])).isEqualTo("a12uel5l");
    }
}
