package dev.idleclaw.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What {@code bin/lib-java.sh} gives the JVM of a long-running command: a bounded heap and a raised file limit. */
class LauncherTest {
    private static final Path LIB = Path.of("..", "bin", "lib-java.sh").toAbsolutePath().normalize();

    @Test
    void longRunningCommandsGetABoundedHeapThatCanBeChanged() throws Exception {
        assertThat(bash(". " + LIB + "; server_jvm_flags server")).contains("-Xmx512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
        for (String command : new String[] {"router", "worker", "tracker"}) assertThat(bash(". " + LIB + "; server_jvm_flags " + command)).contains("-Xmx512m");
        assertThat(bash("IDLECLAW_HEAP=2g; . " + LIB + "; server_jvm_flags server")).contains("-Xmx2g").doesNotContain("-Xmx512m");
        assertThat(bash(". " + LIB + "; server_jvm_flags consume")).isEmpty();
    }

    @Test
    void theLauncherPassesTheFlagsBeforeTheOperatorsOwn() throws Exception {
        String launcher = Files.readString(LIB.resolveSibling("idleclaw"));
        assertThat(launcher).contains("raise_file_limit").containsPattern("\\$\\(server_jvm_flags [^)]*\\) \\$\\{IDLECLAW_JAVA_OPTS");
    }

    @Test
    void theOpenFileLimitIsRaisedToTheHardLimit() throws Exception {
        String hard = bash("ulimit -Hn");
        // "unlimited" is capped at 2^20, the usual kernel maximum (fs.nr_open)
        assertThat(bash("ulimit -Sn 256; . " + LIB + "; raise_file_limit; ulimit -Sn")).isIn(hard, "1048576").isNotEqualTo("256");
    }

    @Test
    void aJavaOlderThan25IsRefusedWithItsVersionAndTheFixEvenWhenIdleclawJavaNamesIt() throws Exception {
        String old = olderJava();
        String out = bash("IDLECLAW_JAVA=" + old + "; . " + LIB + "; (require_java idleclaw) 2>&1; echo \"exit $?\"");
        assertThat(out).contains("idleclaw: needs a JDK 25 or newer (IDLECLAW_JAVA=" + old + " is java ")
                .contains("install one").endsWith("exit 127");
    }

    @Test
    void idleclawJavaIsTakenAsItIsWhenItIs25OrNewer() throws Exception {
        String current = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(bash("IDLECLAW_JAVA=" + current + "; . " + LIB + "; require_java idleclaw")).isEqualTo(current);
    }

    /** A java binary older than 25 on this machine (Debian's 17 here); with {@code CI=true} its absence fails. */
    private static String olderJava() throws Exception {
        String found = bash(". " + LIB + "; for j in /usr/lib/jvm/*/bin/java $(command -v java); do v=$(java_major \"$j\");"
                + " if [ -n \"$v\" ] && [ \"$v\" -lt 25 ]; then echo \"$j\"; break; fi; done");
        if (found.isEmpty()) {
            String why = "no java older than 25 on this machine: apt-get install openjdk-17-jre-headless";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        return found;
    }

    private static String bash(String script) throws IOException, InterruptedException {
        var p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
