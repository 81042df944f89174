package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void ordinaryTextPassesUnchanged() {
        assertThat(Printable.of("llama3.2:3b — ünïcode \\ fine")).isEqualTo("llama3.2:3b — ünïcode \\ fine");
        assertThat(Printable.of(null)).isNull();
    }

    @Test
    void controlCharactersSeparatorsAndBidiOverridesAreEscaped() {
        assertThat(Printable.of("a\tb\u007f\u0085\u2028\u202e\u2066c")).isEqualTo("a\\tb\\u007f\\u0085\\u2028\\u202e\\u2066c");
    }
}
