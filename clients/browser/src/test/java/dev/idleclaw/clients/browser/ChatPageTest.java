package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.BROKEN;
import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static dev.idleclaw.clients.browser.ChatNetwork.THINKER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.testkit.Behaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/** The chat page in Chromium against a hub with two real node agents: models, streaming, Stop, rendering, history. */
@ExtendWith(BrowserExtension.class)
class ChatPageTest {
    /** 200 tokens 50 ms apart (10 s): an answer still streaming when the test acts on it. */
    private static final Behaviour LONG = Behaviour.defaults().withTokenCount(200).withDelayPerToken(Duration.ofMillis(50));
    /** The stand-in notices a closed connection within its next token's write. */
    private static final long CANCEL_SECONDS = 5;

    private static ChatNetwork network;
    private static Browser browser;
    private ChatPage page;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        network = new ChatNetwork();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @BeforeEach
    void fresh() {
        network.reset();
        page = new ChatPage(browser).open(network.url());
    }

    @Test
    void theRootIsTheChatPageForABrowserAndOllamasTextForEveryoneElse() throws Exception {
        assertThat(browser.driver.getTitle()).isEqualTo("IdleClaw chat");
        assertThat(browser.find("h1").getText()).isEqualTo("What can I help with?");
        var plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(network.url())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.body()).isEqualTo("Ollama is running");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void thePickerListsModelsLargestFirstWithCapabilitiesAndNodeCounts() {
        assertThat(page.modelOptions()).containsExactly(
                "qwen3:8b · 8.2B · thinking · tools · 2 nodes", "llama3.2:3b · 3.2B · tools · 2 nodes", "broken:1b · 1.2B · tools · 2 nodes");
        assertThat(browser.find("#model-chips").getText()).contains("Thinking", "Tools", "2 nodes");
        assertThat(browser.find("#think-toggle").isDisplayed()).isTrue();
        page.pick(MODEL);
        assertThat(browser.find("#think-toggle").isDisplayed()).isFalse();
        assertThat(browser.find("#connection").getText()).isEqualTo("Online · 2 nodes");
    }

    @Test
    void tokensAppearOneByOneInTheOrderTheNodeSentThem() {
        network.answer(MODEL, Duration.ofMillis(150), "One", " two", " three", " four", " five.");
        page.pick(MODEL);
        page.recordAnswerTexts();
        page.send("Count to five");

        page.awaitAnswer("done");
        assertThat(page.lastContent()).isEqualTo("One two three four five.");
        assertThat(page.answerTexts()).containsSubsequence("One", "One two", "One two three", "One two three four", "One two three four five.");
        for (int i = 1; i < page.answerTexts().size(); i++) assertThat(page.answerTexts().get(i)).startsWith(page.answerTexts().get(i - 1));
        var sent = network.ollama.awaitRequest("/api/chat", Browser.WAIT).json();
        assertThat(sent.path("model").asText()).isEqualTo(MODEL);
        assertThat(sent.path("messages").get(sent.path("messages").size() - 1).path("content").asText()).isEqualTo("Count to five");
        assertThat(page.lastAnswer().getText()).contains(MODEL, "tokens/s");
    }

    @Test
    void stopEndsTheAnswerAndTheHubCancelsItOnTheNode() throws Exception {
        network.ollama.behaviour(MODEL, LONG);
        page.pick(MODEL).send("Tell me a long story");
        var request = network.ollama.awaitRequest("/api/chat", Browser.WAIT);
        browser.waiting().until(d -> page.lastContent().contains("tok3"));

        browser.find("#stop").click();

        page.awaitAnswer("stopped");
        request.connectionClosed().get(CANCEL_SECONDS, TimeUnit.SECONDS); // the node cancelled its Ollama request
        assertThat(page.lastAnswer().getText()).contains("Stopped.");
        assertThat(page.lastContent()).doesNotContain("tok199");
        assertThat(browser.find("#send").isDisplayed()).isTrue();
        browser.waiting().until(d -> network.ollama.openStreams() == 0);
    }

    @Test
    void enterSendsShiftEnterBreaksTheLineAndEscStops() throws Exception {
        network.ollama.behaviour(MODEL, LONG);
        page.pick(MODEL);
        var box = browser.find("#prompt");
        box.sendKeys("first line");
        box.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        box.sendKeys("second line");
        assertThat(page.answers()).isEmpty();
        box.sendKeys(Keys.ENTER);

        var request = network.ollama.awaitRequest("/api/chat", Browser.WAIT);
        var sent = request.json().path("messages");
        assertThat(sent.get(sent.size() - 1).path("content").asText()).isEqualTo("first line\nsecond line");
        browser.waiting().until(d -> page.lastContent().contains("tok2"));
        box.sendKeys(Keys.ESCAPE);
        page.awaitAnswer("stopped");
        request.connectionClosed().get(CANCEL_SECONDS, TimeUnit.SECONDS);
    }

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
    void aNodeFailingMidAnswerKeepsTheTextAndShowsTheError() {
        page.pick(BROKEN).send("Hello?");

        var answer = page.awaitAnswer("error");
        assertThat(page.lastContent()).isEqualTo("Hello from");
        var notice = answer.findElement(By.cssSelector(".notice.error"));
        assertThat(notice.getText()).contains("The node serving this answer failed: the model failed while answering.");
        assertThat(notice.getDomAttribute("role")).isEqualTo("alert");
        network.ollama.behaviour(BROKEN, Behaviour.defaults());
        notice.findElement(By.cssSelector("button.retry")).click();
        page.awaitAnswer("done");
        assertThat(page.answers()).hasSize(1);
        assertThat(page.lastContent()).isEqualTo(String.join("", Behaviour.DEFAULT_TOKENS));
    }

    @Test
    void conversationsAreKeptInTheBrowserRenamedAndDeleted() {
        page.pick(MODEL).send("What is the capital of France?");
        page.awaitAnswer("done");
        assertThat(page.conversationTitles()).containsExactly("What is the capital of France?");

        browser.find("#new-chat").click();
        assertThat(browser.find("#welcome").isDisplayed()).isTrue();
        page.send("Second question");
        page.awaitAnswer("done");
        assertThat(page.conversationTitles()).containsExactly("Second question", "What is the capital of France?");

        browser.driver.navigate().refresh();
        browser.waiting().until(d -> page.conversationTitles().size() == 2);
        var first = browser.all("#conversations .conversation").get(1);
        first.findElement(By.cssSelector(".rename")).click();
        var input = browser.find("#conversations input");
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Paris", Keys.ENTER);
        browser.waiting().until(d -> page.conversationTitles().contains("Paris"));
        browser.all("#conversations .conversation .open").stream().filter(e -> e.getText().equals("Paris")).findFirst().orElseThrow().click();
        assertThat(browser.find(".message.user").getText()).isEqualTo("What is the capital of France?");

        var second = browser.all("#conversations .conversation").getFirst();
        second.findElement(By.cssSelector(".delete")).click();
        second.findElement(By.cssSelector(".delete")).click();
        browser.waiting().until(d -> page.conversationTitles().equals(java.util.List.of("Paris")));
        browser.driver.navigate().refresh();
        browser.waiting().until(d -> page.conversationTitles().equals(java.util.List.of("Paris")));
        assertThat(browser.script("return localStorage.getItem('idleclaw.conversations.v1')").toString()).contains("Paris").doesNotContain("Second question");
    }

    @Test
    void anApiKeyShowsItsBalanceAndPaysForTheAnswer() {
        Identity owner = Identity.generate();
        String key = ApiKeys.generate();
        network.net.hub.ledger().addApiKey(ApiKeys.sha256(key), owner.publicKey(), "browser test");

        browser.find("#sign-in").click();
        browser.find("#api-key").sendKeys("ick_unknown");
        browser.find("#sign-in-submit").click();
        browser.waiting().until(d -> browser.find("#sign-in-error").getText().equals("This hub does not know that key."));
        browser.find("#api-key").clear();
        browser.find("#api-key").sendKeys(key);
        browser.find("#sign-in-submit").click();
        browser.waiting().until(d -> browser.find("#balance").isDisplayed());
        assertThat(browser.find("#balance").getText()).isEqualTo("10,000 credits");

        page.pick(MODEL).send("Hello");
        page.awaitAnswer("done");
        long spent = network.net.hub.ledger().account(owner.publicKey()).spent();
        assertThat(spent).isPositive();
        browser.waiting().until(d -> browser.find("#balance").getText().equals(String.format("%,d credits", 10_000 - spent)));
        assertThat(browser.script("return sessionStorage.getItem('idleclaw.apiKey')")).isEqualTo(key);
        assertThat(browser.script("return localStorage.getItem('idleclaw.apiKey')")).isNull();
        browser.find("#sign-out").click();
        assertThat(browser.find("#sign-in").isDisplayed()).isTrue();
        assertThat(browser.script("return sessionStorage.getItem('idleclaw.apiKey')")).isNull();
    }

    @Test
    void anExamplePromptStartsAChat() {
        browser.find(".example[data-prompt^='Write a Python']").click();
        page.awaitAnswer("done");
        assertThat(browser.find(".message.user").getText()).startsWith("Write a Python function");
    }

    @Test
    void onAPhoneTheListSlidesOverTheConversation() {
        browser.resize(Browser.PHONE);
        assertThat(browser.find("#sidebar").getRect().getX() + browser.find("#sidebar").getRect().getWidth()).isLessThanOrEqualTo(0);
        browser.find("#open-sidebar").click();
        browser.waiting().until(d -> browser.find("#sidebar").getRect().getX() == 0);
        assertThat(browser.find("#open-sidebar").getDomAttribute("aria-expanded")).isEqualTo("true");
        browser.find("#close-sidebar").click();
        browser.waiting().until(d -> browser.find("#sidebar").getRect().getX() < 0);
        assertThat((Long) browser.script("return document.documentElement.scrollWidth")).isLessThanOrEqualTo(Browser.PHONE.width);
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
