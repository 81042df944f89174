package dev.idleclaw.clients.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The skill's requirement gate, {@code scripts/check.sh}, run as {@code SKILL.md} says: one line, {@code ok} with the
 * JDK the launcher will use, or the one-line fix. A java 17 is real here (Debian's), not a stand-in.
 */
class SkillCheckTest {
    private static final SkillFiles SKILL = SkillFiles.fromCheckout();

    @Test
    void theCheckPassesWithTheReleaseLauncherOnPathAndAJdk25() throws Exception {
        Path release = SKILL.releaseLayout(Files.createTempDirectory("idleclaw-release"));
        var out = check(release, Map.of("JAVA_HOME", System.getProperty("java.home")));

        assertThat(out.exit()).as(out.text()).isZero();
        assertThat(out.text()).startsWith("ok: idleclaw " + release.resolve("idleclaw") + ", java ")
                .contains("jar " + release.resolve("idleclaw.jar")).doesNotContain("\n");
    }

    @Test
    void aJava17IsNotEnoughAndTheCheckSaysHowToFixItInOneLine() throws Exception {
        Path release = SKILL.releaseLayout(Files.createTempDirectory("idleclaw-release"));
        String old = olderJava(release);
        var out = check(release, Map.of("IDLECLAW_JAVA", old));

        assertThat(out.exit()).isEqualTo(1);
        assertThat(out.text()).startsWith("idleclaw skill: needs a JDK 25 or newer (IDLECLAW_JAVA=" + old + " is java ")
                .contains("install one").doesNotContain("\n");
    }

    @Test
    void withoutTheLauncherOnPathTheCheckSaysWhereToGetIt() throws Exception {
        var out = check(null, Map.of());

        assertThat(out.exit()).isEqualTo(1);
        assertThat(out.text()).startsWith("idleclaw skill: no 'idleclaw' on PATH: unpack idleclaw-<version>-release.tar.gz")
                .doesNotContain("\n");
    }

    record Out(int exit, String text) {}

    private static Out check(Path path, Map<String, String> env) throws Exception {
        var pb = new ProcessBuilder("bash", SKILL.dir().resolve("scripts/check.sh").toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("IDLECLAW_") || k.equals("JAVA_HOME"));
        String systemPath = "/usr/bin:/bin";
        pb.environment().put("PATH", path == null ? systemPath : path + File.pathSeparator + systemPath);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Out(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    /** A java older than 25, found by the launcher's own lib-java.sh; with {@code CI=true} its absence fails. */
    private static String olderJava(Path release) throws Exception {
        var p = new ProcessBuilder("bash", "-c", ". " + release.resolve("lib-java.sh") + "; for j in /usr/lib/jvm/*/bin/java"
                + " $(command -v java); do v=$(java_major \"$j\"); if [ -n \"$v\" ] && [ \"$v\" -lt 25 ]; then echo \"$j\"; break; fi; done")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String found = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (found.isEmpty()) {
            String why = "no java older than 25 on this machine: apt-get install openjdk-17-jre-headless";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
            Assumptions.abort(why);
        }
        return found;
    }
}
