package dev.idleclaw.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The in-place UTF-8 check agrees with the JDK's strict decoder on every input. */
class Utf8Test {
    /** Random inputs in the differential test: enough to meet every lead byte with every kind of follower. */
    static final int RANDOM_INPUTS = 100_000;

    static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "c280", "dfbf", "e0a080", "ed9fbf", "ee8080", "efbfbf", "f0908080", "f48fbfbf",
            "e2809420e28692", "4142434445464748c3a9", "41424344454647484142434445464748"})
    void acceptsWellFormedUtf8(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(jdkAccepts(b)).as("the JDK agrees").isTrue();
        assertThat(Utf8.valid(b)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "bf", "c0af", "c1bf", "e080af", "e09fbf", "eda080", "edbfbf", "f08fbfbf", "f4908080",
            "f5808080", "ff", "fe", "c3", "e282", "f09080", "41424344454647c3", "4142434445464748eda080",
            "c328", "e228a1", "f0288cbc"})
    void refusesWhatTheStrictDecoderRefuses(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        assertThat(jdkAccepts(b)).as("the JDK agrees").isFalse();
        assertThat(Utf8.valid(b)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {25, 90})
    void agreesWithTheJdkDecoderOnRandomBytes(int asciiPercent) {
        // Few ASCII bytes: every lead byte meets every kind of follower; many: long ASCII runs cross the eight-byte steps.
        var random = new Random(asciiPercent);
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) (random.nextInt(100) < asciiPercent ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            assertThat(Utf8.valid(b)).as(HexFormat.of().formatHex(b)).isEqualTo(jdkAccepts(b));
        }
    }

    @Test
    void aPlainStartIsOneJacksonReadsAsUtf8() {
        assertThat(Utf8.plainStart("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Utf8.plainStart("{}".getBytes(StandardCharsets.UTF_8))).as("too short to tell").isFalse();
        assertThat(Utf8.plainStart("\ufeff{\"a\":1}".getBytes(StandardCharsets.UTF_8))).as("byte order mark").isFalse();
        assertThat(Utf8.plainStart("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE))).as("UTF-16").isFalse();
        assertThat(Utf8.plainStart(new byte[] {'{', '"', 0, '"'})).isFalse();
    }
}
