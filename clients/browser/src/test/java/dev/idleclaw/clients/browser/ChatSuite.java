package dev.idleclaw.clients.browser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chat page test class: one {@link ChatNetwork} (hub and node agents) for the class, the run's shared browser, and
 * a freshly opened chat page for each test with the network's stand-ins reset.
 */
@ExtendWith(BrowserExtension.class)
abstract class ChatSuite {
    protected static ChatNetwork network;
    protected static Browser browser;
    protected ChatPage page;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        network = new ChatNetwork();
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
        network = null;
    }

    @BeforeEach
    void fresh() {
        network.reset();
        page = new ChatPage(browser).open(network.url());
    }
}
