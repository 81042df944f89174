package dev.idleclaw.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data directory follows {@code $HOME} and {@code $IDLECLAW_DATA_DIR}, not Java's {@code user.home}. */
class DataDirTest {
    static final String JAVA_HOME = "/home/account";

    @Test
    void homeComesFromTheEnvironmentNotFromUserHome() {
        var d = DataDir.of(Map.of("HOME", "/tmp/h"), JAVA_HOME);
        assertThat(d.home()).isEqualTo(Path.of("/tmp/h"));
        assertThat(d.dir()).isEqualTo(Path.of("/tmp/h/.idleclaw"));
        assertThat(d.file("ledger.db")).isEqualTo(Path.of("/tmp/h/.idleclaw/ledger.db"));
    }

    @Test
    void theDataDirVariableWinsOverHome() {
        var d = DataDir.of(Map.of("HOME", "/tmp/h", "IDLECLAW_DATA_DIR", "/srv/idleclaw"), JAVA_HOME);
        assertThat(d.dir()).isEqualTo(Path.of("/srv/idleclaw"));
        assertThat(d.file("identity.json")).isEqualTo(Path.of("/srv/idleclaw/identity.json"));
        assertThat(d.home()).isEqualTo(Path.of("/tmp/h"));
    }

    @Test
    void userHomeIsOnlyTheFallbackForAnUnsetOrBlankHome() {
        assertThat(DataDir.of(Map.of(), JAVA_HOME).dir()).isEqualTo(Path.of(JAVA_HOME, ".idleclaw"));
        assertThat(DataDir.of(Map.of("HOME", " ", "IDLECLAW_DATA_DIR", ""), JAVA_HOME).dir()).isEqualTo(Path.of(JAVA_HOME, ".idleclaw"));
    }

    @Test
    void aLeadingTildeIsTheEnvironmentsHome() {
        var d = DataDir.of(Map.of("HOME", "/tmp/h"), JAVA_HOME);
        assertThat(d.expand("~/ledgers/a.db")).isEqualTo("/tmp/h/ledgers/a.db");
        assertThat(d.expand("~")).isEqualTo("/tmp/h");
        assertThat(d.expand("/var/a.db")).isEqualTo("/var/a.db");
        assertThat(d.expand("~other/a.db")).isEqualTo("~other/a.db");
    }
}
