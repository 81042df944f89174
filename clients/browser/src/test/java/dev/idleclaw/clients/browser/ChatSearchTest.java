package dev.idleclaw.clients.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.testkit.StandInSearx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Web search from the chat page: a hub with server-side tools pointed at a stand-in SearXNG whose results are
 * hostile (a title with markup, a {@code javascript:} URL), one real node agent on the stand-in Ollama.
 */
@ExtendWith(BrowserExtension.class)
class ChatSearchTest {
    private static final String MODEL = "llama3.2:3b";
    private static final String XSS_TITLE = "<img src=x onerror=\"window.__xss=1\">";
    /** Long enough to see "Searching the web…", short enough for a quick test. */
    private static final Duration SEARCH_TIME = Duration.ofMillis(1_500);
    private static final List<StandInSearx.Result> RESULTS = List.of(
            new StandInSearx.Result(XSS_TITLE, "https://news.example.org/today", "What happened today."),
            new StandInSearx.Result("Run me", "javascript:window.__xss=2", "Not a page."),
            new StandInSearx.Result("Plain page", "http://plain.example.net/page?a=1&b=2", "Background."));

    private static StandInSearx searx;
    private static StandInOllama ollama;
    private static Network network;
    private static Browser browser;
    private ChatPage page;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        searx = StandInSearx.start().results(RESULTS).delay(SEARCH_TIME);
        ollama = StandInOllama.start().model(StandInModel.of(MODEL));
        network = new Network(c -> c.searchUrl = URI.create(searx.baseUrl()));
        network.addNode(ollama);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
        if (ollama != null) ollama.close();
        if (searx != null) searx.close();
    }

    @BeforeEach
    void fresh() {
        ollama.behaviour(MODEL, Behaviour.defaults().withTokens("Here", " is", " the", " news.")
                .withToolRounds(List.of(Behaviour.ToolCall.of("web_search", "{\"query\":\"news today\"}"))));
        ollama.clear();
        page = new ChatPage(browser).open(network.url() + "/");
    }

    private static List<WebElement> sources(WebElement answer) {
        return answer.findElements(By.cssSelector("nav.sources li"));
    }

    @Test
    void thePageSaysItIsSearchingThenListsTheSourcesAsInertSafeLinks() {
        assertThat(browser.find("#search-toggle").isDisplayed()).isTrue();
        assertThat(browser.find("#search").isSelected()).isTrue();
        int searches = searx.queries().size();
        page.pick(MODEL).send("What's new today?");

        browser.waiting().until(d -> {
            var status = browser.all(".message.assistant .tool-status");
            return !status.isEmpty() && status.getLast().isDisplayed() && status.getLast().getText().equals("Searching the web…");
        });
        browser.screenshot("chat-searching");
        var answer = page.awaitAnswer("done");
        assertThat(answer.findElement(By.cssSelector(".tool-status")).isDisplayed()).isFalse();
        assertThat(page.lastContent()).isEqualTo("Here is the news.");
        assertThat(searx.queries()).hasSize(searches + 1).last().isEqualTo("news today");

        var items = sources(answer);
        assertThat(items).hasSize(2); // the javascript: URL is no link and no entry
        var links = answer.findElements(By.cssSelector("nav.sources a"));
        assertThat(links).extracting(a -> a.getDomAttribute("href"))
                .containsExactly("https://news.example.org/today", "http://plain.example.net/page?a=1&b=2");
        assertThat(links).allSatisfy(a -> {
            assertThat(a.getDomAttribute("rel")).isEqualTo("noopener noreferrer");
            assertThat(a.getDomAttribute("target")).isEqualTo("_blank");
        });
        assertThat(links.get(0).getText()).isEqualTo(XSS_TITLE);
        assertThat(links.get(1).getText()).isEqualTo("Plain page");
        assertThat(items.get(0).findElement(By.cssSelector(".host")).getText()).isEqualTo("news.example.org");
        assertThat(answer.findElements(By.cssSelector("nav.sources img, nav.sources script, [onerror], a[href^='javascript' i]"))).isEmpty();
        assertThat(browser.script("return window.__xss")).isNull();
        assertThat(browser.consoleErrors()).isEmpty();
        browser.screenshot("chat-sources");

        var request = ollama.awaitRequest("/api/chat", Browser.WAIT).json();
        assertThat(request.path("tools").get(0).path("function").path("name").asText()).isEqualTo("web_search");

        // the sources stay with the conversation in this browser
        browser.driver.navigate().refresh();
        browser.waiting().until(d -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
        browser.find("#conversations .conversation .open").click();
        assertThat(sources(page.lastAnswer())).hasSize(2);
    }

    @Test
    void searchTurnedOffSendsNoToolsAndStaysOffInThisBrowser() {
        ollama.behaviour(MODEL, Behaviour.defaults().withTokens("From", " memory."));
        int searches = searx.queries().size();
        browser.find("#search").click();
        page.pick(MODEL).send("What's new today?");

        var answer = page.awaitAnswer("done");
        assertThat(page.lastContent()).isEqualTo("From memory.");
        assertThat(sources(answer)).isEmpty();
        assertThat(ollama.awaitRequest("/api/chat", Browser.WAIT).json().has("tools")).isFalse();
        assertThat(searx.queries()).hasSize(searches);

        browser.driver.navigate().refresh();
        browser.waiting().until(d -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
        assertThat(browser.find("#search").isSelected()).isFalse();
    }
}
