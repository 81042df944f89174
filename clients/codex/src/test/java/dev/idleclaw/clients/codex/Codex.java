package dev.idleclaw.clients.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.testkit.NpmTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Codex CLI from npm, run in a scratch home: {@link #exec} writes a {@code config.toml} whose custom model
 * provider is the hub's {@code /v1} (Responses wire API) and runs one non-interactive {@code codex exec} turn.
 */
final class Codex {
    /** The version whose first request is in issue 12's table. */
    static final String PACKAGE = "@openai/codex@0.171.0";
    /**
     * The launcher ({@code bin/codex.js}) only starts a native binary that npm installs from the platform optional
     * dependency {@code @openai/codex-linux-x64}; without it no turn can run.
     */
    static final String NATIVE_BINARY = "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";
    /** A warm turn takes seconds; a Codex waiting for input or a retry must fail the build, not hang it. */
    static final Duration TURN_TIMEOUT = Duration.ofMinutes(2);
    /** The environment variable the provider's {@code env_key} names. */
    static final String KEY_ENV = "IDLECLAW_CODEX_KEY";
    /** Any key that is not an {@code ick_} key: the hub serves the request anonymously. */
    static final String KEY = "codex-not-an-ick-key";

    /** How a turn ended: exit code, stdout (the final answer), stderr (Codex's progress log), the last message file. */
    record Turn(int exit, String stdout, String stderr, String lastMessage) {
        /** Everything Codex printed, for failure messages. */
        String transcript() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private Codex() {}

    /** The {@code codex} launcher, installed on first use; fails clearly when npm left out the native binary. */
    static Path install() {
        Path prefix = NpmTools.install(PACKAGE);
        assertThat(prefix.resolve(NATIVE_BINARY)).as("Codex's native binary (platform optional dependency)").isExecutable();
        return prefix.resolve("node_modules/.bin/codex");
    }

    /**
     * Runs {@code codex exec} once under {@code home} (HOME, CODEX_HOME and the XDG directories all inside it), with
     * stdin closed, against the provider at {@code baseUrl}; kills it after {@link #TURN_TIMEOUT}.
     */
    static Turn exec(Path codex, Path home, String baseUrl, String model, String prompt) throws IOException, InterruptedException {
        Path codexHome = Files.createDirectories(home.resolve("codex"));
        Path work = Files.createDirectories(home.resolve("work"));
        Files.createDirectories(home.resolve("tmp"));
        Files.writeString(codexHome.resolve("config.toml"), config(baseUrl, model));
        Path out = home.resolve("stdout.txt"), err = home.resolve("stderr.txt"), last = home.resolve("last-message.txt");
        List<String> cmd = List.of(codex.toString(), "exec", "--skip-git-repo-check", "--color", "never",
                "--cd", work.toString(), "--output-last-message", last.toString(), prompt);
        var pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment(pb.environment(), home, codexHome);
        Process p = pb.start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(TURN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the launcher's native codex process
            p.destroyForcibly().waitFor();
        }
        return new Turn(finished ? p.exitValue() : -1, Files.readString(out), Files.readString(err)
                + (finished ? "" : "\n(killed after " + TURN_TIMEOUT + ")"), Files.exists(last) ? Files.readString(last) : null);
    }

    /**
     * A provider on the hub with no hidden retries (a failed request or stream fails the turn); plugins off (else
     * Codex starts by cloning its plugin marketplace from github.com); no approvals and a read-only sandbox, so
     * nothing waits for a human.
     */
    static String config(String baseUrl, String model) {
        return """
                model = "%s"
                model_provider = "idleclaw"
                approval_policy = "never"
                sandbox_mode = "read-only"

                [model_providers.idleclaw]
                name = "IdleClaw"
                base_url = "%s"
                env_key = "%s"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0

                [features]
                plugins = false
                """.formatted(model, baseUrl, KEY_ENV);
    }

    /** Only PATH (for {@code node}) comes from outside; every directory Codex could write to is under {@code home}. */
    private static void environment(Map<String, String> env, Path home, Path codexHome) throws IOException {
        NpmTools.isolate(env, home, null);
        env.put("CODEX_HOME", codexHome.toString());
        env.put(KEY_ENV, KEY);
    }
}
