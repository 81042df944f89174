package dev.idleclaw.clients.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Caddyfile and systemd units, checked by their own tools when this machine has them ({@code caddy},
 * {@code systemd-analyze}); skipped otherwise, also in CI, which installs only nginx ({@link BehindNginxTest}).
 */
class DeployFilesTest {
    /** Validation only parses and provisions; a tool that takes longer is stuck. */
    private static final long TOOL_TIMEOUT_SECONDS = 60;
    private static final Path DEPLOY = Path.of(System.getProperty("idleclaw.deploy", "../../deploy"));
    /** Where the units expect the launcher; replaced by this checkout's, since verify wants an executable. */
    private static final String INSTALLED_LAUNCHER = "/opt/idleclaw/bin/idleclaw";

    @TempDir
    Path dir;

    @Test
    void caddyValidatesTheShippedCaddyfile() throws Exception {
        Path caddy = tool("caddy");
        // Caddy keeps state under $HOME / XDG directories: keep it in the temp directory.
        var r = run(List.of(caddy.toString(), "validate", "--adapter", "caddyfile", "--config", DEPLOY.resolve("Caddyfile").toString()),
                Map.of("HOME", dir.toString(), "XDG_DATA_HOME", dir.resolve("data").toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString()));

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("Valid configuration");
    }

    @Test
    void systemdAcceptsTheShippedUnitsWithoutAWarning() throws Exception {
        Path analyze = tool("systemd-analyze");
        Path launcher = DEPLOY.resolve("../bin/idleclaw").toRealPath();
        var units = new ArrayList<String>();
        for (String name : List.of("idleclaw-hub.service", "idleclaw-node.service")) {
            String unit = Files.readString(DEPLOY.resolve("systemd").resolve(name));
            assertThat(unit).contains("ExecStart=" + INSTALLED_LAUNCHER + " ");
            units.add(Files.writeString(dir.resolve(name), unit.replace(INSTALLED_LAUNCHER, launcher.toString())).toString());
        }
        var args = new ArrayList<>(List.of(analyze.toString(), "verify"));
        args.addAll(units);

        var r = run(args, Map.of());

        assertThat(r.exit()).as(r.output()).isZero();
        // Only what concerns our units: a machine's own units may have their own complaints.
        assertThat(r.output().lines().filter(l -> l.contains("idleclaw"))).as(r.output()).isEmpty();
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        var process = pb.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.getFirst() + " did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    private static Path tool(String name) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) return Path.of(d, name);
        }
        // .ci/run installs what this needs: there, a missing tool is a failure, not a skip.
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(name + " is not installed (.ci/run installs it)");
        Assumptions.abort(name + " is not installed");
        throw new IllegalStateException("unreachable");
    }
}
