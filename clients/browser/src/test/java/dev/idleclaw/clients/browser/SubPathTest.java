package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Behind a proxy that serves the hub at {@code /claw/}, the chat page loads everything and streams an answer. */
@ExtendWith(BrowserExtension.class)
class SubPathTest {
    private static ChatNetwork network;
    private static PrefixProxy proxy;
    private static Browser browser;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        network = new ChatNetwork();
        proxy = new PrefixProxy("/claw/", network.net.url());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (network != null) network.close();
    }

    @Test
    void theChatWorksUnderAPathPrefix() {
        network.answer(MODEL, Duration.ofMillis(20), "Served", " through", " the", " proxy.");
        var page = new ChatPage(browser).open(proxy.url());
        assertThat(browser.find("#connection").getText()).isEqualTo("Online · 2 nodes");

        page.pick(MODEL).send("Hello from a sub-path");

        page.awaitAnswer("done");
        assertThat(page.lastContent()).isEqualTo("Served through the proxy.");
        assertThat(browser.consoleErrors()).isEmpty();
        var loaded = browser.script("return performance.getEntriesByType('resource').map(e => e.name)").toString();
        assertThat(loaded).contains(proxy.url() + "assets/", proxy.url() + "vendor/marked/", proxy.url() + "api/chat");
        browser.driver.get(proxy.url() + "chat/");
        browser.waiting().until(d -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
    }
}
