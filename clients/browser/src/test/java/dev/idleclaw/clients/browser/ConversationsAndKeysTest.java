package dev.idleclaw.clients.browser;

import static dev.idleclaw.clients.browser.ChatNetwork.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/** What the page keeps in the browser (conversations, an API key) and the phone layout. */
class ConversationsAndKeysTest extends ChatSuite {
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
}
