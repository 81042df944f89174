package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.testkit.Behaviour;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * What the chat page shows when things go wrong, in the order the tests break the network: the hub's rate limit and
 * a full fleet (both with the {@code Retry-After} countdown), the hub going away, and the nodes stopping mid-answer.
 */
@ExtendWith(BrowserExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatFailuresTest {
    /** 200 tokens 50 ms apart (10 s): far longer than a stopping node's 2 s drain. */
    private static final Behaviour LONG = Behaviour.defaults().withTokenCount(200).withDelayPerToken(Duration.ofMillis(50));
    /** An answer that holds its node's slot for 4 s, then ends. */
    private static final Behaviour HOLD = Behaviour.defaults().withTokenCount(8).withDelayPerToken(Duration.ofMillis(500));
    /** Slots of the two nodes (two each): this many held answers leave none free. */
    private static final int SLOTS = 4;

    private static ChatNetwork network;
    private static Browser browser;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        network = new ChatNetwork();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Test
    @Order(1)
    void overTheRateLimitTheErrorCountsDownTheHubsRetryAfter() throws Exception {
        network.restartHub(c -> c.chatRpm = 1);
        var page = new ChatPage(browser).open(network.url()).pick(MODEL);
        page.send("first");
        page.awaitAnswer("done");

        page.send("second");

        var answer = page.awaitAnswer("error");
        var notice = answer.findElement(By.cssSelector(".notice.error"));
        assertThat(notice.getText()).contains("The hub is limiting how fast you can send.");
        assertThat(notice.findElement(By.cssSelector("button.retry")).isEnabled()).isFalse();
        int left = secondsLeft(notice);
        assertThat(left).isBetween(2, 60);
        browser.waiting().until(d -> secondsLeft(notice) < left);
        browser.screenshot("chat-rate-limited");
    }

    @Test
    @Order(2)
    void withEveryNodeBusyTheHubsRefusalAndItsWaitAreShown() throws Exception {
        network.restartHub(c -> c.queueTimeout = Duration.ofSeconds(1));
        network.ollama.behaviour(MODEL, Behaviour.defaults().withHangAfter(1));
        var http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<InputStream>>> hanging = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) hanging.add(hold(http));
        browser.waiting().until(d -> network.ollama.openStreams() == SLOTS);
        var page = new ChatPage(browser).open(network.url()).pick(MODEL);

        page.send("Anyone free?");

        var notice = page.awaitAnswer("error").findElement(By.cssSelector(".notice.error"));
        assertThat(notice.getText()).contains("No node can take this right now: server busy, please try again.");
        assertThat(secondsLeft(notice)).isPositive();
        for (var h : hanging) h.join().body().close();
        http.close();
        network.reset();
    }

    @Test
    @Order(5)
    void aNodeStoppingMidAnswerShowsTheErrorUnderWhatArrived() throws Exception {
        network.restartHub(c -> {});
        network.ollama.behaviour(MODEL, LONG);
        var page = new ChatPage(browser).open(network.url()).pick(MODEL);
        page.send("Tell me a long story");
        browser.waiting().until(d -> page.lastContent().contains("tok3"));

        Thread.ofVirtual().start(() -> network.net.nodes.forEach(NodeAgent::stop)); // Ctrl+C: 2 s drain, then cancel

        var answer = page.awaitAnswer("error");
        assertThat(answer.findElement(By.cssSelector(".notice.error")).getText()).contains("The node serving this answer failed");
        assertThat(page.lastContent()).startsWith("tok0 tok1 tok2 tok3").doesNotContain("tok199");
        browser.screenshot("chat-node-failed");
    }

    @Test
    @Order(3)
    void whileTheRequestWaitsForAFreeNodeThePageSaysSoAndThenShowsItsPlaceInLine() throws Exception {
        network.restartHub(c -> c.queueTimeout = Duration.ofSeconds(20));
        for (int i = 0; i < SLOTS; i++) network.ollama.behaviourOnce(MODEL, HOLD);
        var http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<InputStream>>> holding = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) holding.add(hold(http));
        browser.waiting().until(d -> network.ollama.openStreams() == SLOTS);
        var page = new ChatPage(browser).open(network.url()).pick(MODEL);

        page.send("Queue me");

        browser.waiting().until(d -> page.lastAnswer().getText().contains("Waiting for a free node…"));
        assertThat(page.lastAnswerState()).isEqualTo("waiting");
        browser.screenshot("chat-waiting");
        var answer = page.awaitAnswer("done"); // once one of the holding answers ends
        assertThat(answer.findElement(By.cssSelector(".meta")).getText()).contains("waited in line at #1");
        for (var h : holding) h.join().body().readAllBytes();
        http.close();
    }

    @Test
    @Order(4)
    void anUnreachableHubIsSaidSoInTheAnswerAndTheStatus() {
        var page = new ChatPage(browser).open(network.url()).pick(MODEL);
        network.net.hub.close();

        page.send("Still there?");

        var notice = page.awaitAnswer("error").findElement(By.cssSelector(".notice.error"));
        assertThat(notice.getText()).contains("Can't reach the hub");
        browser.waiting().until(d -> browser.find("#connection").getText().equals("Hub unreachable"));
        assertThat(browser.find("#connection-dot").getDomAttribute("class")).contains("bad");
    }

    /** A streamed chat that takes one node slot for as long as the stand-in answers it. */
    private static CompletableFuture<HttpResponse<InputStream>> hold(HttpClient http) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(network.net.url() + "/api/chat"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static int secondsLeft(org.openqa.selenium.WebElement notice) {
        String text = notice.findElement(By.cssSelector(".countdown")).getText();
        var m = java.util.regex.Pattern.compile("Try again in (\\d+) s\\.").matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
