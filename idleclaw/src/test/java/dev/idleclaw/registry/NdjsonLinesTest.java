package dev.idleclaw.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines cut out of bytes as the network brings them. */
class NdjsonLinesTest {
    private final List<String> seen = new ArrayList<>();
    private final NdjsonLines lines = new NdjsonLines(16);

    private void feed(byte[] bytes) throws Exception {
        lines.feed(ByteBuffer.wrap(bytes), line -> seen.add(line));
    }

    @Test
    void aCharacterSplitBetweenTwoReadsIsDecodedWhole() throws Exception {
        byte[] text = "{\"c\":\"é😀\"}\n".getBytes(StandardCharsets.UTF_8);
        int cut = "{\"c\":\"".length() + 1; // inside the two bytes of é
        feed(java.util.Arrays.copyOfRange(text, 0, cut));
        assertThat(seen).isEmpty();
        assertThat(lines.midLine()).isTrue();
        feed(java.util.Arrays.copyOfRange(text, cut, text.length));
        assertThat(seen).containsExactly("{\"c\":\"é😀\"}");
        assertThat(lines.midLine()).isFalse();
    }

    @Test
    void oneReadYieldsEveryLineInItWithoutLineEnds() throws Exception {
        feed("a\r\n\nb\nc".getBytes(StandardCharsets.UTF_8));
        assertThat(seen).containsExactly("a", "", "b");
        feed("d\n".getBytes(StandardCharsets.UTF_8));
        assertThat(seen).containsExactly("a", "", "b", "cd");
    }

    @Test
    void theSinkCanStopTheFeedingWithTheRestLeftInTheBuffer() throws Exception {
        var bytes = ByteBuffer.wrap("a\nb\n".getBytes(StandardCharsets.UTF_8));
        lines.feed(bytes, line -> !seen.add(line));
        assertThat(seen).containsExactly("a");
        assertThat(bytes.remaining()).isEqualTo(2);
    }

    @Test
    void aLineOverTheBoundIsRefusedEvenWhenItComesInPieces() throws Exception {
        feed("0123456789".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> feed("0123456789\n".getBytes(StandardCharsets.UTF_8))).isInstanceOf(NdjsonLines.TooLong.class);
        assertThat(seen).isEmpty();
    }
}
