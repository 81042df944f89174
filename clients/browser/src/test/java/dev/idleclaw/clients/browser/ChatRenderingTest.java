package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static dev.idleclaw.clients.browser.ChatNetwork.THINKER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.Behaviour;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** How answers look: thinking, highlighted code, untrusted HTML made inert, accessibility, the screenshots. */
class ChatRenderingTest extends ChatSuite {
    @Test
    void thinkingStreamsIntoACollapsedBlockThatOpens() {
        network.ollama.behaviour(THINKER, Behaviour.defaults().withThinking("Let me", " think", " it over."));
        page.pick(THINKER).send("Hi");

        var answer = page.awaitAnswer("done");
        var thinking = answer.findElement(By.cssSelector("details.thinking"));
        assertThat(thinking.getDomAttribute("open")).isNull();
        assertThat(thinking.findElement(By.tagName("summary")).getText()).isEqualTo("Thoughts");
        thinking.findElement(By.tagName("summary")).click();
        assertThat(thinking.findElement(By.cssSelector(".thought")).getText()).isEqualTo("Let me think it over.");
        assertThat(page.lastContent()).isEqualTo(String.join("", Behaviour.DEFAULT_TOKENS));
        assertThat(network.ollama.awaitRequest("/api/chat", Browser.WAIT).json().path("think").asBoolean()).isTrue();
    }

    @Test
    void fencedCodeIsHighlightedAndCopied() {
        network.answer(MODEL, Duration.ZERO, "Try:\n\n```python\n", "print('hi')\n", "```\n");
        page.pick(MODEL).send("Show me code");

        var answer = page.awaitAnswer("done");
        var block = answer.findElement(By.cssSelector(".code-block"));
        assertThat(block.findElement(By.cssSelector(".code-head")).getText()).startsWith("python");
        assertThat(block.findElements(By.cssSelector("code.hljs .hljs-built_in, code.hljs .hljs-string"))).isNotEmpty();
        block.findElement(By.cssSelector("button.copy")).click();
        browser.waiting().until(d -> block.findElement(By.cssSelector("button.copy")).getText().equals("Copied"));
    }

    @Test
    void htmlScriptsAndJavascriptLinksFromAModelStayInert() {
        network.answer(MODEL, Duration.ZERO, "<img src=x onerror=\"window.__xss=1\">", "\n\n<script>window.__xss=2</script>",
                "\n\n[click me](javascript:window.__xss=3) and <a href=\"javascript:window.__xss=4\">this</a>",
                "\n\n![pic](javascript:window.__xss=5) <svg onload=\"window.__xss=6\"></svg> [safe](https://example.org/)");
        page.pick(MODEL).send("Say something nasty");

        var answer = page.awaitAnswer("done");
        var content = answer.findElement(By.cssSelector(".content"));
        assertThat(content.findElements(By.cssSelector("img, script, svg, iframe, [onerror], [onload]"))).isEmpty();
        assertThat(content.findElements(By.cssSelector("a[href^='javascript' i]"))).isEmpty();
        for (var link : content.findElements(By.tagName("a"))) {
            if (link.getDomAttribute("href") == null) link.click();
        }
        assertThat(content.getText()).contains("<img src=x onerror=\"window.__xss=1\">", "<script>window.__xss=2</script>", "click me");
        var safe = content.findElement(By.linkText("safe"));
        assertThat(safe.getDomAttribute("href")).isEqualTo("https://example.org/");
        assertThat(safe.getDomAttribute("rel")).contains("noopener", "noreferrer");
        assertThat(browser.script("return window.__xss")).isNull();
    }

    @Test
    void axeFindsNoSeriousAccessibilityProblemsInLightOrDark() {
        assertThat(Axe.seriousViolations(browser)).isEmpty();
        page.pick(THINKER).send("Hi");
        page.awaitAnswer("done");
        assertThat(Axe.seriousViolations(browser)).isEmpty();
        browser.darkMode(true);
        assertThat(Axe.seriousViolations(browser)).isEmpty();
        browser.resize(Browser.PHONE);
        assertThat(Axe.seriousViolations(browser)).isEmpty();
    }

    @Test
    void screenshots() {
        browser.screenshot("chat-welcome");
        network.ollama.behaviour(THINKER, Behaviour.defaults().withThinking("A palindrome reads the same both ways;",
                " normalise case and drop punctuation first.").withTokens("Here is a palindrome check:\n\n",
                "```python\ndef is_palindrome(s: str) -> bool:\n", "    s = ''.join(c.lower() for c in s if c.isalnum())\n",
                "    return s == s[::-1]\n```\n\n", "It ignores **case** and punctuation, so `\"A man, a plan\"` works too."));
        page.pick(THINKER).send("Write a palindrome check in Python");
        page.awaitAnswer("done");
        browser.screenshot("chat-answer");
        browser.resize(Browser.PHONE);
        browser.screenshot("chat-phone");
        browser.darkMode(true);
        browser.screenshot("chat-phone-dark");
        browser.resize(new org.openqa.selenium.Dimension(Chromium.WIDTH, Chromium.HEIGHT));
        browser.screenshot("chat-answer-dark");
        browser.darkMode(false);
    }
}
