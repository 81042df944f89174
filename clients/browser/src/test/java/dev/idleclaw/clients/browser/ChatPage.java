package dev.idleclaw.clients.browser;

import java.util.List;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The chat page as a person uses it: what the tests click, type and read. */
final class ChatPage {
    private final Browser b;

    ChatPage(Browser browser) {
        this.b = browser;
    }

    /** Opens the page on a clean slate and waits until it has loaded the models and the connection status. */
    ChatPage open(String url) {
        b.open(url);
        b.waiting().until(d -> "true".equals(b.script("return document.documentElement.dataset.ready")));
        return this;
    }

    ChatPage pick(String model) {
        new Select(b.find("#model")).selectByValue(model);
        return this;
    }

    List<String> modelOptions() {
        return new Select(b.find("#model")).getOptions().stream().map(WebElement::getText).toList();
    }

    /** Types {@code text} into the message box and presses Enter. */
    ChatPage send(String text) {
        var box = b.find("#prompt");
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
        return this;
    }

    List<WebElement> answers() {
        return b.all(".message.assistant");
    }

    WebElement lastAnswer() {
        var all = answers();
        return all.getLast();
    }

    String lastAnswerState() {
        return answers().isEmpty() ? "" : lastAnswer().getDomAttribute("data-state");
    }

    /** Waits until the last answer is in {@code state} (done, stopped, error, streaming, waiting). */
    WebElement awaitAnswer(String state) {
        b.waiting().until(d -> state.equals(lastAnswerState()));
        return lastAnswer();
    }

    String lastContent() {
        return lastAnswer().findElement(org.openqa.selenium.By.cssSelector(".content")).getText();
    }

    /** Starts recording every text the last answer's content shows, in order, into {@code window.__seen}. */
    void recordAnswerTexts() {
        b.script("""
                window.__seen = [];
                new MutationObserver(() => {
                  const all = document.querySelectorAll('.message.assistant .content');
                  const text = all.length ? all[all.length - 1].textContent.trim() : '';
                  if (text && window.__seen[window.__seen.length - 1] !== text) window.__seen.push(text);
                }).observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});
                """);
    }

    @SuppressWarnings("unchecked")
    List<String> answerTexts() {
        return (List<String>) b.script("return window.__seen");
    }

    List<String> conversationTitles() {
        return b.all("#conversations .conversation .open").stream().map(WebElement::getText).toList();
    }
}
