package dev.idleclaw.e2e;

import static org.awaitility.Awaitility.await;

import dev.idleclaw.testkit.NpmTools;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Nostr relay on loopback for one test class: CodyTseng's {@code @nostr-relay} library from npm (core, its
 * SQLite event repository and its message validator; used by nostr-relay-tray and nostr-relay-nestjs) behind a
 * {@code ws} server, wired as its README shows ({@code src/test/resources/nostr/relay.js}). It checks NIP-01 ids and
 * BIP-340 signatures, keeps the newest parameterised-replaceable event and applies NIP-09 deletions by itself.
 * Installed once into {@link NpmTools#cache()}; {@code better-sqlite3} is compiled from source against the
 * machine's Node headers (no prebuilt download). When Node or the install is missing the test is skipped locally
 * and fails with {@code CI=true}.
 */
public final class LocalNostrRelay implements AutoCloseable {
    /** Pinned versions of the relay library and the WebSocket server it is used with. */
    static final List<String> PACKAGES = List.of("@nostr-relay/core@0.0.40", "@nostr-relay/common@0.0.40",
            "@nostr-relay/event-repository-sqlite@0.0.40", "@nostr-relay/validator@0.0.40", "ws@8.18.3");
    /** Build better-sqlite3 from source against the installed Node's headers: prebuilt binaries cannot be fetched here. */
    private static final Map<String, String> BUILD_ENV = Map.of("npm_config_build_from_source", "true", "npm_config_nodedir", "/usr");
    /** Node starts and opens SQLite in well under a second; allow a loaded CI machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("listening (\\d+)");

    private final Process process;
    private final Path log;
    private final int port;

    private LocalNostrRelay(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The relay's {@code node_modules} (installed on first use), whose {@code @noble/curves} other tests use too. */
    public static Path modules() {
        try {
            return NpmTools.install(PACKAGES, null, BUILD_ENV).resolve("node_modules");
        } catch (RuntimeException e) {
            unavailable("cannot install the relay from npm: " + e.getMessage());
            throw e;
        }
    }

    /** Installs (first time only) and starts a relay with an empty database on a free port. */
    public static LocalNostrRelay start() throws IOException {
        Path modules = modules();
        Path dir = Files.createTempDirectory("nostr-relay");
        Path script = dir.resolve("relay.js");
        try (InputStream in = LocalNostrRelay.class.getResourceAsStream("/nostr/relay.js")) {
            Files.write(script, in.readAllBytes());
        }
        Path log = dir.resolve("relay.log");
        var pb = new ProcessBuilder("node", script.toString(), "0", dir.resolve("events.db").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        NpmTools.isolate(pb.environment(), dir.resolve("home"), null);
        pb.environment().put("NODE_PATH", modules.toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            unavailable("cannot run node: " + e.getMessage());
            throw e;
        }
        int[] port = {0};
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) port[0] = Integer.parseInt(m.group(1));
                if (port[0] == 0 && !p.isAlive()) throw new IllegalStateException("the relay exited:\n" + Files.readString(log));
                return port[0] != 0;
            });
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return new LocalNostrRelay(p, log, port[0]);
    }

    private static void unavailable(String why) {
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci, why + " (and CI is not \"true\")");
        throw new AssertionError("CI=true but the Nostr relay is unavailable: " + why);
    }

    /** {@code ws://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** What the relay printed (for failure messages). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
