package dev.idleclaw.testkit;

import static dev.idleclaw.testkit.ChatStreamingTest.HI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainProcessTest {
    private static final Pattern LISTENING = Pattern.compile("stand-in ollama listening on (http://127\\.0\\.0\\.1:\\d+)");
    /** A fresh JVM with Javalin needs a second or two to come up. */
    private static final long STARTUP_SECONDS = 20;

    @Test
    void launchOptionsParseModelsTokensAndDelay() {
        var options = LaunchOptions.parse("--port", "11434", "--model", "llama3.2,qwen3:8b", "--model", "gemma3",
                "--tokens", "7", "--delay-ms", "15");
        assertThat(options.port()).isEqualTo(11434);
        assertThat(options.models()).containsExactly("llama3.2", "qwen3:8b", "gemma3");
        assertThat(options.behaviour().tokens()).hasSize(7).startsWith("tok0 ");
        assertThat(options.behaviour().delayPerToken()).isEqualTo(Duration.ofMillis(15));
        assertThat(LaunchOptions.parse().models()).containsExactly("llama3.2");
        assertThat(LaunchOptions.parse().port()).isZero();
        assertThatThrownBy(() -> LaunchOptions.parse("--colour", "red")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> LaunchOptions.parse("--port")).hasMessageContaining("missing value");
    }

    @Test
    void runsAsItsOwnProcessAndAnnouncesItsAddress() throws Exception {
        var javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                StandInOllama.class.getName(), "--model", "llama3.2,gemma3", "--tokens", "3", "--delay-ms", "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            var announced = CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(STARTUP_SECONDS, TimeUnit.SECONDS);
            var matcher = LISTENING.matcher(String.valueOf(announced));
            assertThat(matcher.matches()).as(announced).isTrue();
            var base = matcher.group(1);
            try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                var tags = http.send(HttpRequest.newBuilder(URI.create(base + "/api/tags")).build(), BodyHandlers.ofString());
                assertThat(Client.json(tags.body()).findValuesAsText("name"))
                        .containsExactlyInAnyOrder("llama3.2:latest", "gemma3:latest");
                var chat = http.send(HttpRequest.newBuilder(URI.create(base + "/api/chat")).POST(
                        HttpRequest.BodyPublishers.ofString("{\"model\":\"gemma3\"," + HI + "}")).build(),
                        BodyHandlers.ofString());
                assertThat(Client.lines(chat.body())).hasSize(4);
            }
        } finally {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
