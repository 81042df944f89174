package dev.idleclaw.clients.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.ClientNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chat page loads in a real Chromium under its own CSP: the import map, the WebJars and our modules all run. */
@ExtendWith(BrowserExtension.class)
class PageLoadTest {
    private static ClientNetwork network;
    private static Browser browser;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        network = new ClientNetwork();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
    }

    @Test
    void theRootIsTheChatPageInABrowserAndItsLibrariesLoadUnderTheCsp() {
        browser.open(network.net.url() + "/");

        browser.waiting().until(d -> "true".equals(browser.script("return document.documentElement.dataset.ready")));
        assertThat(browser.driver.getTitle()).isEqualTo("IdleClaw chat");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
