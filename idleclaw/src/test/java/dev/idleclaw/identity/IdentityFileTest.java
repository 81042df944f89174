package dev.idleclaw.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
    /** The worker key of the spec's vectors (lobstah-vectors.json). */
    private static final String VECTOR_SEED = "fd5aae21b9ec0785fffec23aa7708be144cb42a3b4ffb6300b37866b1cd51bb4";
    private static final String VECTOR_PUBLIC = "lob10cb8ce1a1bddf2758efd3c2d3af0677db2ae462427b98cb2e26e7f943cc26a02";
    /** BIP-340 test vector 1: secret key and x-only public key. */
    private static final String BIP340_SECRET = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef";
    private static final String BIP340_PUBLIC = "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659";

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
    void loadOrCreateWritesLobstahsVersion2FileExactlyAsLobstahWouldAndItReadsBack() throws Exception {
        Path file = dir.resolve("nested/deeper/identity.json");
        var loaded = IdentityFile.loadOrCreate(file, false);
        assertThat(loaded.created()).isTrue();
        NostrKey nostr = loaded.stored().nostr().orElseThrow();
        // Lobstah's JSON.stringify(identity, null, 2): its field order, 2-space indentation, no trailing newline
        assertThat(Files.readString(file)).isEqualTo("{\n  \"version\": 2,\n  \"publicKey\": \"" + loaded.identity().publicKey()
                + "\",\n  \"secretKey\": \"" + loaded.identity().seedHex()
                + "\",\n  \"nostrPublicKey\": \"" + nostr.publicKeyHex()
                + "\",\n  \"nostrSecretKey\": \"" + nostr.secretKeyHex() + "\"\n}");
        var back = IdentityFile.readStored(file).orElseThrow();
        assertThat(back.version()).isEqualTo(2);
        assertThat(back.identity().publicKey()).isEqualTo(loaded.identity().publicKey());
        assertThat(back.nostr()).get().extracting(NostrKey::publicKeyHex).isEqualTo(nostr.publicKeyHex());
    }

    @Test
    void theFileWeWriteHasEveryFieldLobstahsVersion2LoaderReadsWithTheTypesItExpects() throws Exception {
        Path file = dir.resolve("identity.json");
        IdentityFile.create(file, false);
        JsonNode root = Json.parse(Files.readAllBytes(file));
        assertThat(root.properties()).extracting(Map.Entry::getKey)
                .containsExactly("version", "publicKey", "secretKey", "nostrPublicKey", "nostrSecretKey");
        assertThat(root.path("version").isInt()).isTrue();
        assertThat(root.path("version").intValue()).isEqualTo(2);
        assertThat(root.path("publicKey").textValue()).matches("lob1[0-9a-f]{64}");
        for (String hex : new String[] {"secretKey", "nostrPublicKey", "nostrSecretKey"}) {
            assertThat(root.path(hex).isTextual()).as(hex).isTrue();
            assertThat(root.path(hex).textValue()).as(hex).matches("[0-9a-f]{64}");
        }
        assertThat(Identity.fromSeedHex(root.path("secretKey").textValue()).publicKey()).isEqualTo(root.path("publicKey").textValue());
        assertThat(NostrKey.fromSecretHex(root.path("nostrSecretKey").textValue()).publicKeyHex())
                .isEqualTo(root.path("nostrPublicKey").textValue());
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
        Path file = dir.resolve("identity.json");
        String text = "{\n  \"version\": 1,\n  \"publicKey\": \"" + VECTOR_PUBLIC + "\",\n  \"secretKey\": \"" + VECTOR_SEED + "\"\n}";
        Files.writeString(file, text);
        var loaded = IdentityFile.loadOrCreate(file, false);
        assertThat(loaded.identity().publicKey()).isEqualTo(VECTOR_PUBLIC);
        assertThat(loaded.stored().version()).isEqualTo(1);
        assertThat(loaded.stored().nostr()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void aLobstahVersion2FileIsReadWithItsNostrKeyAndLeftUntouched() throws Exception {
        Path file = dir.resolve("identity.json");
        // as Lobstah writes it, with the spec's worker seed and BIP-340's vector 1 as the Nostr secret
        String text = "{\n  \"version\": 2,\n  \"publicKey\": \"" + VECTOR_PUBLIC + "\",\n  \"secretKey\": \"" + VECTOR_SEED
                + "\",\n  \"nostrPublicKey\": \"" + BIP340_PUBLIC + "\",\n  \"nostrSecretKey\": \"" + BIP340_SECRET + "\"\n}";
        Files.writeString(file, text);
        var loaded = IdentityFile.loadOrCreate(file, false);
        assertThat(loaded.created()).isFalse();
        assertThat(loaded.identity().publicKey()).isEqualTo(VECTOR_PUBLIC);
        assertThat(loaded.stored().version()).isEqualTo(2);
        assertThat(loaded.stored().nostr()).get().extracting(NostrKey::publicKeyHex).isEqualTo(BIP340_PUBLIC);
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void ourEarlierVersion2FileWithoutNostrKeysStillLoadsAsItIs() throws Exception {
        Path file = dir.resolve("identity.json");
        String text = "{\n  \"version\": 2,\n  \"publicKey\": \"" + VECTOR_PUBLIC + "\",\n  \"secretKey\": \"" + VECTOR_SEED + "\"\n}\n";
        Files.writeString(file, text);
        var loaded = IdentityFile.loadOrCreate(file, false);
        assertThat(loaded.created()).isFalse();
        assertThat(loaded.identity().publicKey()).isEqualTo(VECTOR_PUBLIC);
        assertThat(loaded.stored().nostr()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void addNostrKeyCompletesAFileWithoutOneKeepingItsKeyAndLeavesACompleteFileAlone() throws Exception {
        Path file = dir.resolve("identity.json");
        Files.writeString(file, "{\"version\":2,\"publicKey\":\"" + VECTOR_PUBLIC + "\",\"secretKey\":\"" + VECTOR_SEED + "\"}");
        var added = IdentityFile.addNostrKey(file);
        assertThat(added.identity().publicKey()).isEqualTo(VECTOR_PUBLIC);
        NostrKey nostr = added.stored().nostr().orElseThrow();
        var back = IdentityFile.readStored(file).orElseThrow();
        assertThat(back.identity().publicKey()).isEqualTo(VECTOR_PUBLIC);
        assertThat(back.nostr()).get().extracting(NostrKey::publicKeyHex).isEqualTo(nostr.publicKeyHex());
        if (posix(dir)) assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        byte[] complete = Files.readAllBytes(file);
        assertThat(IdentityFile.addNostrKey(file).stored().nostr()).get().extracting(NostrKey::publicKeyHex).isEqualTo(nostr.publicKeyHex());
        assertThat(Files.readAllBytes(file)).isEqualTo(complete);
        assertThatThrownBy(() -> IdentityFile.addNostrKey(dir.resolve("none.json"))).isInstanceOf(IdentityFileException.class)
                .hasMessageContaining("none.json");
    }

    @Test
    void brokenNostrKeysAreErrorsNamingTheFile() throws Exception {
        Path file = dir.resolve("identity.json");
        String head = "{\"version\":2,\"publicKey\":\"" + VECTOR_PUBLIC + "\",\"secretKey\":\"" + VECTOR_SEED + "\"";
        String other = NostrKey.generate().publicKeyHex();
        String[][] cases = {
            {",\"nostrPublicKey\":\"" + BIP340_PUBLIC + "\"}", "without nostrSecretKey"},
            {",\"nostrSecretKey\":\"" + BIP340_SECRET + "\"}", "without nostrPublicKey"},
            {",\"nostrPublicKey\":\"" + other + "\",\"nostrSecretKey\":\"" + BIP340_SECRET + "\"}", "does not belong"},
            {",\"nostrPublicKey\":\"" + BIP340_PUBLIC + "\",\"nostrSecretKey\":\"" + "00".repeat(32) + "\"}", "nostrSecretKey"},
            {",\"nostrPublicKey\":\"xyz\",\"nostrSecretKey\":\"" + BIP340_SECRET + "\"}", "nostrPublicKey"},
            {",\"nostrPublicKey\":null,\"nostrSecretKey\":\"" + BIP340_SECRET + "\"}", "nostrPublicKey"},
        };
        for (String[] c : cases) {
            Files.writeString(file, head + c[0]);
            assertThatThrownBy(() -> IdentityFile.read(file)).as(c[0]).isInstanceOf(IdentityFileException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining(c[1]);
        }
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
