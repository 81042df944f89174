package dev.idleclaw.clients.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.Network;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code /admin} in a real Chromium against a hub with an admin token and a real node agent: a wrong token is
 * refused and shows nothing; the right one shows the node, and its Disconnect button closes the node's connection; a
 * node with a key shows its standing, and its Suspend, Trust and Reset buttons change it.
 * The token never reaches the URL or localStorage.
 */
@ExtendWith(BrowserExtension.class)
class AdminPageTest {
    private static final String TOKEN = "browser-test-admin-token";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Long enough for the node agent (backoff at most 1 s in the test network) to try again a few times. */
    private static final Duration RECONNECTS = Duration.ofSeconds(3);
    private static StandInOllama ollama;
    private static Network network;
    private static Browser browser;

    @BeforeAll
    static void start(Browser shared) throws Exception {
        browser = shared;
        ollama = StandInOllama.start().model(StandInModel.of("llama3.2:3b"));
        network = new Network(c -> c.adminToken = TOKEN);
        network.addNode(ollama);
    }

    @AfterAll
    static void stop() {
        if (network != null) network.close();
        if (ollama != null) ollama.close();
    }

    @Test
    void refusesAWrongTokenAndShowsNothing() {
        browser.open(network.url() + "/admin");
        signIn("not-the-token");
        var wait = new WebDriverWait(browser.driver, WAIT);
        wait.until(d -> browser.find("#signin-error").isDisplayed());
        assertThat(browser.find("#signin-error").getText()).contains("refused");
        assertThat(browser.find("#operator").isDisplayed()).isFalse();
        assertThat(browser.all("#nodes tbody tr")).isEmpty();
        assertThat(browser.script("return sessionStorage.getItem('idleclaw.admin-token')")).isNull();
        assertThat(Axe.seriousViolations(browser)).isEmpty();
    }

    @Test
    void withTheTokenItListsTheNodeAndDisconnectsIt() {
        NodeLink before = network.hub.registry().registered().getFirst();
        browser.open(network.url() + "/admin");
        signIn(TOKEN);
        var wait = new WebDriverWait(browser.driver, WAIT);
        wait.until(d -> !browser.all("#nodes tbody tr[data-node='" + before.nodeId() + "']").isEmpty());
        String row = browser.find("#nodes tbody tr").getText();
        assertThat(row).contains("127.0.x.x").contains("anonymous").contains("llama3.2:3b").doesNotContain("127.0.0.1");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(browser.script("return Object.values(localStorage).join(' ')")).asString().doesNotContain(TOKEN);
        issueKeyAndBan(wait);
        browser.screenshot("admin");
        assertThat(Axe.seriousViolations(browser)).isEmpty();

        browser.find("#nodes tbody tr[data-node='" + before.nodeId() + "'] button[data-action=disconnect]").click();
        wait.until(d -> before.isClosed());
        wait.until(d -> browser.find("#toasts").getText().contains("Disconnected " + before.nodeId()));
        // The node agent reconnects by itself (a disconnect is not a ban): the table shows its new connection.
        wait.until(d -> network.hub.registry().registered().stream().anyMatch(l -> l != before));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void banningTheNodeFromItsRowKeepsItOut() throws Exception {
        browser.open(network.url() + "/admin");
        signIn(TOKEN);
        var wait = new WebDriverWait(browser.driver, WAIT);
        wait.until(d -> network.hub.registry().count() == 1 && !browser.all("#nodes tbody tr button[data-action=ban]").isEmpty());
        browser.find("#nodes tbody tr button[data-action=ban]").click();
        wait.until(d -> browser.find("#ban-dialog").isDisplayed());
        assertThat(browser.find("#ban-dialog-text").getText()).contains("127.0.x.x");
        browser.screenshot("admin-ban");
        browser.find("#ban-dialog-confirm").click();
        wait.until(d -> browser.find("#bans").getText().contains("127.0.x.x"));
        wait.until(d -> network.hub.registry().count() == 0);
        Thread.sleep(RECONNECTS.toMillis()); // the node agent retries every second at most: each is refused
        assertThat(network.hub.registry().count()).isZero();
        // Lift it (the other test may have banned a key too: this row's button), and the node comes back by itself.
        browser.driver.findElement(org.openqa.selenium.By.xpath("//table[@id='bans']//tr[td[contains(., '127.0.x.x')]]//button")).click();
        wait.until(d -> network.hub.registry().count() == 1);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aKeyedNodeShowsItsStandingAndTheOperatorSuspendsAndTrustsItsKey() throws Exception {
        var key = Identity.generate();
        try (var own = StandInOllama.start().model(StandInModel.of("llama3.2:3b"));
             var keyed = new Network(c -> c.adminToken = TOKEN)) {
            keyed.addNode(own, key);
            NodeLink link = keyed.hub.registry().registered().getFirst();
            String row = "#nodes tbody tr[data-node='" + link.nodeId() + "'] ";
            browser.open(keyed.url() + "/admin");
            signIn(TOKEN);
            var wait = new WebDriverWait(browser.driver, WAIT);
            wait.until(d -> !browser.all(row + "[data-standing=probation]").isEmpty());
            assertThat(browser.find(row + "[data-standing]").getText()).isEqualTo("probation");
            assertThat(browser.all(row + "button[data-action=reset]")).as("nothing to reset for a newcomer").isEmpty();

            browser.find(row + "button[data-action=suspend]").click();
            wait.until(d -> !browser.all(row + "[data-standing=operator_suspended]").isEmpty());
            assertThat(keyed.hub.scheduler().suspended(link)).isTrue();
            assertThat(browser.find(row + "[data-standing]").getText()).isEqualTo("suspended by you");
            browser.screenshot("admin-standing");
            assertThat(Axe.seriousViolations(browser)).isEmpty();

            browser.find(row + "button[data-action=trust]").click();
            wait.until(d -> !browser.all(row + "[data-standing=operator_trusted]").isEmpty());
            assertThat(keyed.hub.scheduler().suspended(link)).isFalse();
            assertThat(keyed.hub.scheduler().onProbation(link)).isFalse();
            assertThat(browser.all(row + "button[data-action=trust]")).isEmpty();

            browser.find(row + "button[data-action=reset]").click();
            wait.until(d -> !browser.all(row + "[data-standing=probation]").isEmpty());
            assertThat(keyed.hub.scheduler().onProbation(link)).isTrue();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    /** Issues an API key and bans another key through the page's forms; both land in the hub. */
    private static void issueKeyAndBan(WebDriverWait wait) {
        String alice = Identity.generate().publicKey(), mallory = Identity.generate().publicKey();
        browser.find("#key-pubkey").sendKeys(alice);
        browser.find("#key-label").sendKeys("alice");
        browser.find("#key-form button[type=submit]").click();
        wait.until(d -> browser.find("#new-key").isDisplayed());
        assertThat(browser.find("#new-key-value").getText()).startsWith("ick_");
        wait.until(d -> browser.find("#keys").getText().contains("alice"));
        assertThat(network.hub.ledger().apiKeys()).anySatisfy(k -> assertThat(k.pubkey()).isEqualTo(alice));
        browser.find("#ban-target").sendKeys(mallory);
        browser.find("#ban-form button[type=submit]").click();
        wait.until(d -> browser.all("#bans tbody tr").size() == 1);
        assertThat(network.hub.registry().bans().banned(mallory, null)).isTrue();
    }

    private static void signIn(String token) {
        var field = browser.find("#token");
        field.clear();
        field.sendKeys(token);
        browser.find("#signin-button").click();
    }
}
