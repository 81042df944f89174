package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.idleclaw.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
    @TempDir
    Path dir;

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void aMissingFileReadsAsEmpty() {
        assertThat(IdentityFile.read(dir.resolve("identity.json"))).isEmpty();
    }

    @Test
    void loadOrCreateWritesAVersion2FileWithTwoSpaceIndentationThatReadsBack() throws Exception {
        Path file = dir.resolve("nested/deeper/identity.json");
        var loaded = IdentityFile.loadOrCreate(file, false);
        assertThat(loaded.created()).isTrue();
        String text = Files.readString(file);
        assertThat(text).isEqualTo("{\n  \"version\": 2,\n  \"publicKey\": \"" + loaded.identity().publicKey()
                + "\",\n  \"secretKey\": \"" + loaded.identity().seedHex() + "\"\n}\n");
        assertThat(Json.parse(text).path("version").asInt()).isEqualTo(2);
        assertThat(IdentityFile.read(file)).get().extracting(Identity::publicKey).isEqualTo(loaded.identity().publicKey());
    }

    @Test
    void theFileIsOwnerOnlyAndANewParentDirectoryToo() throws Exception {
        assumeThat(posix(dir)).isTrue();
        Path file = dir.resolve("made/identity.json");
        IdentityFile.loadOrCreate(file, false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void anExistingFileIsLoadedNotReplaced() throws Exception {
        Path file = dir.resolve("identity.json");
        var first = IdentityFile.loadOrCreate(file, false);
        byte[] before = Files.readAllBytes(file);
        var second = IdentityFile.loadOrCreate(file, false);
        assertThat(second.created()).isFalse();
        assertThat(second.identity().publicKey()).isEqualTo(first.identity().publicKey());
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void forceReplacesAnExistingFileWithANewKey() throws Exception {
        Path file = dir.resolve("identity.json");
        var first = IdentityFile.loadOrCreate(file, false);
        var forced = IdentityFile.loadOrCreate(file, true);
        assertThat(forced.created()).isTrue();
        assertThat(forced.identity().publicKey()).isNotEqualTo(first.identity().publicKey());
        assertThat(IdentityFile.read(file)).get().extracting(Identity::publicKey).isEqualTo(forced.identity().publicKey());
        if (posix(dir)) assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void createWithoutForceRefusesAnExistingFile() {
        Path file = dir.resolve("identity.json");
        IdentityFile.create(file, false);
        assertThatThrownBy(() -> IdentityFile.create(file, false)).isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("already exists");
    }

    @Test
    void aLobstahVersion1FileIsReadAndLeftUntouched() throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve("identity.json");
        String text = "{\n  \"version\": 1,\n  \"publicKey\": \"" + id.publicKey() + "\",\n  \"secretKey\": \"" + id.seedHex() + "\"\n}\n";
        Files.writeString(file, text);
        assertThat(IdentityFile.loadOrCreate(file, false).identity().publicKey()).isEqualTo(id.publicKey());
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void aLobstahVersion2FileWithNostrKeysIsReadAndTheNostrFieldsIgnored() throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve("identity.json");
        String text = "{\"version\":2,\"publicKey\":\"" + id.publicKey() + "\",\"secretKey\":\"" + id.seedHex()
                + "\",\"nostrPublicKey\":\"" + "ab".repeat(32) + "\",\"nostrSecretKey\":\"" + "cd".repeat(32) + "\"}";
        Files.writeString(file, text);
        assertThat(IdentityFile.read(file)).get().extracting(Identity::publicKey).isEqualTo(id.publicKey());
        assertThat(IdentityFile.loadOrCreate(file, false).created()).isFalse();
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void aSecretKeyThatDoesNotMatchThePublicKeyIsAnErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("identity.json");
        Files.writeString(file, "{\"version\":2,\"publicKey\":\"" + Identity.generate().publicKey() + "\",\"secretKey\":\""
                + Identity.generate().seedHex() + "\"}");
        assertThatThrownBy(() -> IdentityFile.read(file)).isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("does not belong");
    }

    @Test
    void anUnknownVersionIsAnError() throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve("identity.json");
        Files.writeString(file, "{\"version\":3,\"publicKey\":\"" + id.publicKey() + "\",\"secretKey\":\"" + id.seedHex() + "\"}");
        assertThatThrownBy(() -> IdentityFile.read(file)).isInstanceOf(IdentityFileException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("unsupported version 3");
        // 2^32 + 2 would read as 2 if truncated to an int
        Files.writeString(file, "{\"version\":4294967298,\"publicKey\":\"" + id.publicKey() + "\",\"secretKey\":\"" + id.seedHex() + "\"}");
        assertThatThrownBy(() -> IdentityFile.read(file)).isInstanceOf(IdentityFileException.class).hasMessageContaining("unsupported version");
    }

    @Test
    void malformedFilesAreErrorsNotCrashes() throws Exception {
        Path file = dir.resolve("identity.json");
        for (String bad : new String[] {"not json", "[]", "{\"version\":2}", "{\"version\":\"2\",\"publicKey\":\"x\"}",
                "{\"version\":2,\"publicKey\":\"" + Identity.generate().publicKey() + "\",\"secretKey\":\"xyz\"}"}) {
            Files.writeString(file, bad);
            assertThatThrownBy(() -> IdentityFile.read(file)).as(bad).isInstanceOf(IdentityFileException.class)
                    .hasMessageContaining(file.toString());
        }
    }
}
