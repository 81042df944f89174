package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idleclaw.identity.Identity;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged jar keeps its default files where {@code $HOME} (or {@code $IDLECLAW_DATA_DIR}) says, like any Unix
 * tool, not where Java's {@code user.home} (the password database) says. Each process gets a {@code HOME} and a
 * different {@code -Duser.home}; the latter must stay empty.
 */
@Timeout(90)
class HomeIT {
    static final Duration START = Duration.ofSeconds(30);

    @Test
    void aServerWithoutDataDirWritesUnderHomeAndNothingUnderJavasUserHome() throws Exception {
        Path home = Files.createTempDirectory("idleclaw-home");
        Path javaHome = Files.createTempDirectory("idleclaw-user-home");
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        try (Proc hub = Proc.start("hub", Map.of("HOME", home.toString()), List.of("-Duser.home=" + javaHome),
                "server", "--port", Integer.toString(port), "--drain-timeout", "1")) {
            await().atMost(START).ignoreExceptions()
                    .until(() -> http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            assertThat(hub.stop()).as(hub.output()).isIn(0, 143);
        }
        assertThat(home.resolve(".idleclaw/ledger.db")).isRegularFile();
        assertThat(home.resolve(".idleclaw/identity.json")).isRegularFile();
        assertThat(filesUnder(javaHome)).isEmpty();
    }

    @Test
    void keygenAndPeersDefaultToHomeAndDataDirTakesPrecedence() throws Exception {
        Path home = Files.createTempDirectory("idleclaw-home");
        Path javaHome = Files.createTempDirectory("idleclaw-user-home");
        Path dataDir = Files.createTempDirectory("idleclaw-data");
        var jvm = List.of("-Duser.home=" + javaHome);

        Cli keygen = Proc.run(Map.of("HOME", home.toString()), jvm, "keygen");
        assertThat(keygen.exit()).as(keygen.out()).isZero();
        assertThat(home.resolve(".idleclaw/identity.json")).isRegularFile();

        String key = Identity.generate().publicKey();
        Cli peers = Proc.run(Map.of("HOME", home.toString()), jvm, "peers", "add", key, "http://127.0.0.1:17474", "--local");
        assertThat(peers.exit()).as(peers.out()).isZero();
        assertThat(home.resolve(".idleclaw/peers.json")).content().contains(key);

        Cli overridden = Proc.run(Map.of("HOME", home.toString(), "IDLECLAW_DATA_DIR", dataDir.toString()), jvm, "keygen");
        assertThat(overridden.exit()).as(overridden.out()).isZero();
        assertThat(dataDir.resolve("identity.json")).isRegularFile();
        assertThat(filesUnder(javaHome)).isEmpty();
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).toList();
        }
    }
}
