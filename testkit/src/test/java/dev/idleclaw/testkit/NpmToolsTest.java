package dev.idleclaw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmToolsTest {
    @TempDir
    Path prefix;

    private void put(String name, String version) throws Exception {
        Path dir = Files.createDirectories(prefix.resolve("node_modules").resolve(name));
        Files.writeString(dir.resolve("package.json"), "{\n  \"name\": \"" + name + "\",\n  \"version\": \"" + version + "\"\n}\n");
    }

    @Test
    void aMarkedInstallWithEveryPinnedPackageInPlaceIsReused() throws Exception {
        put("@scope/tool", "1.2.3");
        put("plain", "4.5.6");
        Files.writeString(prefix.resolve(".installed"), "done\n");
        assertThat(NpmTools.complete(prefix, List.of("@scope/tool@1.2.3", "plain@4.5.6"))).isTrue();
    }

    @Test
    void anInstallWithoutItsMarkerIsNotTrusted() throws Exception {
        put("plain", "4.5.6");
        assertThat(NpmTools.complete(prefix, List.of("plain@4.5.6"))).isFalse();
    }

    @Test
    void aMarkerOverAMissingOrDifferentPackageIsNotTrusted() throws Exception {
        Files.writeString(prefix.resolve(".installed"), "done\n");
        assertThat(NpmTools.complete(prefix, List.of("plain@4.5.6"))).as("missing").isFalse();
        put("plain", "4.5.7");
        assertThat(NpmTools.complete(prefix, List.of("plain@4.5.6"))).as("another version").isFalse();
    }
}
