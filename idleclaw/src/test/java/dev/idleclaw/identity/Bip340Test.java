package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every row of BIP-340's official test vectors ({@code bip340/test-vectors.csv}): signing and verification. */
class Bip340Test {
    private static final HexFormat HEX = HexFormat.of();

    record Row(String index, String secret, String publicKey, String auxRand, String message, String signature, boolean valid,
               String comment) {
        @Override
        public String toString() {
            return "vector " + index + (comment.isEmpty() ? "" : " (" + comment + ")");
        }
    }

    static List<Row> vectors() throws IOException {
        try (InputStream in = Bip340Test.class.getResourceAsStream("/bip340/test-vectors.csv")) {
            var lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).filter(l -> !l.isBlank()).toList();
            return lines.stream().map(l -> l.split(",", -1)).map(f -> new Row(f[0], f[1], f[2], f[3], f[4], f[5],
                    f[6].equals("TRUE"), f.length > 7 ? f[7] : "")).toList();
        }
    }

    static Stream<Row> signingVectors() throws IOException {
        return vectors().stream().filter(r -> !r.secret().isEmpty());
    }

    @Test
    void theVectorFileIsComplete() throws IOException {
        assertThat(vectors()).hasSize(19);
        assertThat(vectors().stream().filter(Row::valid)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(vectors().stream().filter(r -> !r.valid())).hasSizeGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest
    @MethodSource("signingVectors")
    void signingGivesTheVectorsSignatureAndPublicKey(Row r) {
        byte[] secret = HEX.parseHex(r.secret());
        assertThat(HEX.formatHex(Bip340.publicKey(secret))).isEqualToIgnoringCase(r.publicKey());
        byte[] sig = Bip340.sign(secret, HEX.parseHex(r.message()), HEX.parseHex(r.auxRand()));
        assertThat(HEX.formatHex(sig)).isEqualToIgnoringCase(r.signature());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void verificationGivesTheVectorsResult(Row r) {
        boolean ok = Bip340.verify(HEX.parseHex(r.publicKey()), HEX.parseHex(r.message()), HEX.parseHex(r.signature()));
        assertThat(ok).isEqualTo(r.valid());
    }

    @Test
    void aNostrKeySignsWhatItsPublicKeyVerifies() {
        NostrKey key = NostrKey.generate();
        byte[] message = "any message".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(message);
        byte[] pub = HEX.parseHex(key.publicKeyHex());
        assertThat(Bip340.verify(pub, message, sig)).isTrue();
        sig[10] ^= 1;
        assertThat(Bip340.verify(pub, message, sig)).isFalse();
        assertThat(Bip340.verify(new byte[31], message, key.sign(message))).as("a short key is invalid, not an error").isFalse();
    }
}
