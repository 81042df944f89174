package dev.idleclaw.clients.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.e2e.ClientNetwork;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code /dashboard} in a real Chromium against a hub with real node agents: it follows the stats stream live, so a
 * node joining shows within seconds and leaving takes it off again, without a reload.
 */
@ExtendWith(BrowserExtension.class)
class DashboardPageTest {
    /** Two ticks of the stats feed plus a node agent's registration, with slack for a busy machine. */
    private static final Duration LIVE = Duration.ofSeconds(12);
    private static final String SECOND_MODEL = "qwen3:8b";
    /** A viewport tall enough for the whole dashboard in one screenshot. */
    private static final int TALL = 1500;
    /** A few chats a second: enough to draw curves, far below what the stand-in node serves. */
    private static final Duration TRAFFIC_PAUSE = Duration.ofMillis(300);
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
    void aSecondNodeJoiningShowsWithinSecondsAndLeavingRemovesIt() throws Exception {
        // Traffic while the page is open, so the charts have something to draw as it arrives.
        var traffic = Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    chat(ClientNetwork.MODEL);
                    Thread.sleep(TRAFFIC_PAUSE.toMillis());
                }
            } catch (InterruptedException stop) {
                // the screenshots are taken
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        browser.open(network.net.url() + "/dashboard");
        var live = new WebDriverWait(browser.driver, LIVE);
        live.until(d -> "1".equals(kpi("kpi-nodes")));
        long points = historyPoints();
        live.until(d -> historyPoints() >= points + 3); // the charts grow with each tick, without a reload
        live.until(d -> !browser.all("#models tbody tr[data-model='" + ClientNetwork.MODEL + "']").isEmpty());
        assertThat(browser.all("#models tbody tr[data-model='" + SECOND_MODEL + "']")).isEmpty();

        try (var ollama = StandInOllama.start().model(StandInModel.of(SECOND_MODEL)).model(StandInModel.of(ClientNetwork.MODEL))) {
            NodeAgent second = network.net.addNode(ollama);
            live.until(d -> "2".equals(kpi("kpi-nodes")));
            live.until(d -> !browser.all("#models tbody tr[data-model='" + SECOND_MODEL + "']").isEmpty());
            assertThat(browser.find("#models tbody tr[data-model='" + ClientNetwork.MODEL + "'] td:nth-child(2)").getText()).isEqualTo("2");
            assertThat(browser.find("#live-text").getText()).isEqualTo("Live");
            assertThat(browser.find("#doors tbody").getText()).contains("IdleClaw");
            assertThat((Long) browser.script("return document.querySelectorAll('.uplot').length")).isEqualTo(4L);
            browser.resize(new org.openqa.selenium.Dimension(Chromium.WIDTH, TALL));
            Thread.sleep(300); // the charts follow their new width on the next frame
            browser.screenshot("dashboard");
            assertThat(Axe.seriousViolations(browser)).isEmpty();
            browser.darkMode(true);
            live.until(d -> "2".equals(kpi("kpi-nodes")));
            Thread.sleep(300);
            browser.screenshot("dashboard-dark");
            browser.darkMode(false);
            traffic.interrupt();
            traffic.join();

            second.stop();
            network.net.nodes.remove(second);
            live.until(d -> "1".equals(kpi("kpi-nodes")));
            live.until(d -> browser.all("#models tbody tr[data-model='" + SECOND_MODEL + "']").isEmpty());
        }
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void onAPhoneTheCardsStackAndNothingOverflowsSideways() {
        browser.open(network.net.url() + "/dashboard");
        browser.resize(Browser.PHONE);
        new WebDriverWait(browser.driver, LIVE).until(d -> "1".equals(kpi("kpi-nodes")));
        assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
        browser.screenshot("dashboard-phone");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** The history points the page's charts hold now. */
    private static long historyPoints() {
        String n = browser.find("#dashboard").getAttribute("data-points");
        return n == null ? 0 : Long.parseLong(n);
    }

    private static String kpi(String id) {
        return browser.find("#" + id).getText();
    }

    private static void chat(String model) throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(network.net.url() + "/api/chat"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
        var res = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
    }
}
