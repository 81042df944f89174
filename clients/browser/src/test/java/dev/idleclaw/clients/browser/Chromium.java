package dev.idleclaw.clients.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium ({@code chromium}) driven through Debian's {@code chromedriver} ({@code chromium-driver}),
 * headless. Without them the tests are skipped, or fail when {@code CI=true} ({@code .ci/run} installs both).
 */
final class Chromium {
    /** Where Debian installs them; also looked for on the PATH. */
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    /** A laptop's window: the layout the desktop screenshots show. */
    static final int WIDTH = 1280, HEIGHT = 860;
    /** A page load on a loaded 2-core machine; far longer means something hangs. */
    private static final Duration PAGE_LOAD = Duration.ofSeconds(30);

    private Chromium() {}

    /** A headless Chromium, its console log kept for {@link Browser#consoleErrors()}. */
    static ChromeDriver start() {
        Path browser = find("chromium", BROWSERS);
        Path driver = find("chromedriver", DRIVERS);
        var options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions", "--disable-sync", "--mute-audio",
                "--window-size=" + WIDTH + "," + HEIGHT, "--lang=en-US", "--force-prefers-reduced-motion");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
        var chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(PAGE_LOAD).scriptTimeout(PAGE_LOAD);
        return chrome;
    }

    /** The first executable named {@code name} on the PATH or at one of {@code known}; skips or fails without one. */
    static Path find(String name, List<String> known) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name);
        }
        for (String p : known) if (Files.isExecutable(Path.of(p))) return Path.of(p);
        boolean ci = "true".equals(System.getenv("CI"));
        String install = "apt-get install chromium chromium-driver";
        Assumptions.assumeTrue(ci, name + " is not installed (and CI is not \"true\"): " + install);
        throw new AssertionError("CI=true but " + name + " is not installed (" + install + ")");
    }
}
