package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.BROKEN;
import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.Behaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/** The chat page in Chromium against a hub with two real node agents: models, streaming, Stop, a failing node. */
class ChatPageTest extends ChatSuite {
    /** 200 tokens 50 ms apart (10 s): an answer still streaming when the test acts on it. */
    private static final Behaviour LONG = Behaviour.defaults().withTokenCount(200).withDelayPerToken(Duration.ofMillis(50));
    /** The stand-in notices a closed connection within its next token's write. */
    private static final long CANCEL_SECONDS = 5;

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
    void theHeaderLinksToTheDashboardWhichLinksBackAndAHubWithoutToolsOffersNoSearch() {
        assertThat(browser.find("#search-toggle").isDisplayed()).isFalse();
        browser.find(".chat-head a[href='dashboard']").click();
        browser.waiting().until(d -> "IdleClaw network".equals(d.getTitle()));
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(network.url() + "dashboard");
        browser.find("nav.tabs a[href='chat']").click();
        browser.waiting().until(d -> "IdleClaw chat".equals(d.getTitle()));
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(network.url() + "chat");
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
    void anExamplePromptStartsAChat() {
        browser.find(".example[data-prompt^='Write a Python']").click();
        page.awaitAnswer("done");
        assertThat(browser.find(".message.user").getText()).startsWith("Write a Python function");
    }
}
