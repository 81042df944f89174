package dev.idleclaw.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptTest {
    @Test
    void browsersNavigatingPreferHtml() {
        assertThat(Accept.prefersHtml(WebPagesTest.BROWSER_ACCEPT)).isTrue();
        assertThat(Accept.prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")).isTrue(); // Firefox
        assertThat(Accept.prefersHtml("TEXT/HTML")).isTrue();
    }

    @Test
    void programsDoNot() {
        assertThat(Accept.prefersHtml(null)).isFalse();
        assertThat(Accept.prefersHtml("")).isFalse();
        assertThat(Accept.prefersHtml("*/*")).isFalse();
        assertThat(Accept.prefersHtml("application/json")).isFalse();
        assertThat(Accept.prefersHtml("text/plain, text/html;q=0.9")).isFalse();
        assertThat(Accept.prefersHtml("text/html;q=0")).isFalse();
        assertThat(Accept.prefersHtml("text/html;q=nonsense")).isFalse();
    }
}
