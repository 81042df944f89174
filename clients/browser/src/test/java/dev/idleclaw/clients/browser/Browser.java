package dev.idleclaw.clients.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The one headless Chromium of a test run ({@link BrowserExtension} starts it once and closes it at the end), with
 * what the page tests need: open a URL on a clean slate, wait, run a script, save a screenshot, read console errors.
 */
public final class Browser implements AutoCloseable {
    /** Longest a test waits for something on the page: streaming and errors arrive within seconds. */
    static final Duration WAIT = Duration.ofSeconds(15);
    /** A phone's viewport (CSS pixels), for the narrow layout. */
    static final Dimension PHONE = new Dimension(390, 844);

    final ChromeDriver driver;

    Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Opens {@code url} in a desktop-sized window with this origin's storage emptied first. */
    public void open(String url) {
        resize(new Dimension(Chromium.WIDTH, Chromium.HEIGHT));
        darkMode(false);
        driver.get(url);
        script("localStorage.clear(); sessionStorage.clear();");
        driver.navigate().refresh();
        driver.manage().logs().get(LogType.BROWSER); // forget what an earlier page logged
    }

    /** Sets the viewport (the page's CSS pixels), not the window. */
    public void resize(Dimension viewport) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of(
                "width", viewport.width, "height", viewport.height, "deviceScaleFactor", 1, "mobile", viewport.width < 600));
    }

    /** Emulates the system's dark (or light) colour scheme. */
    public void darkMode(boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features",
                List.of(java.util.Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the viewport as {@code name}.png under the module's {@code target/screenshots}. */
    public Path screenshot(String name) {
        try {
            Path dir = Path.of(System.getProperty("idleclaw.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console messages at error level since the last call (CSP violations and uncaught errors land here). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
