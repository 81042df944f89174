package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw keygen} and {@code idleclaw whoami}. */
class IdentityCommandsTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("id/identity.json");
    }

    private String npub() {
        return IdentityFile.readStored(file()).orElseThrow().nostr().orElseThrow().npub();
    }

    @Test
    void keygenCreatesAnIdentityWithANostrKeyAndShowsItsPathAndBothKeys() {
        CliRun r = CliRun.main("keygen", "--identity", file().toString());
        assertThat(r.exit()).isZero();
        String key = IdentityFile.read(file()).orElseThrow().publicKey();
        assertThat(npub()).matches("npub1[02-9ac-hj-np-z]{58}");
        assertThat(r.lines()).containsExactly("created identity", "path: " + file(), "public key: " + key, "nostr key: " + npub());
    }

    @Test
    void keygenOnOurEarlierFileWithoutANostrKeyLeavesItAloneAndSaysHowToAddOne() throws Exception {
        Identity id = Identity.generate();
        Files.createDirectories(file().getParent());
        String old = "{\n  \"version\": 2,\n  \"publicKey\": \"" + id.publicKey() + "\",\n  \"secretKey\": \"" + id.seedHex() + "\"\n}\n";
        Files.writeString(file(), old);
        CliRun r = CliRun.main("keygen", "--identity", file().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.lines()).containsExactly("loaded identity", "path: " + file(), "public key: " + id.publicKey(),
                "nostr key: none (Lobstah cannot load this file; 'idleclaw keygen --add-nostr' adds one)");
        assertThat(Files.readString(file())).isEqualTo(old);

        CliRun added = CliRun.main("keygen", "--add-nostr", "--identity", file().toString());
        assertThat(added.exit()).isZero();
        assertThat(IdentityFile.read(file()).orElseThrow().publicKey()).isEqualTo(id.publicKey());
        assertThat(added.lines()).containsExactly("added a Nostr key to identity", "path: " + file(),
                "public key: " + id.publicKey(), "nostr key: " + npub());

        byte[] complete = Files.readAllBytes(file());
        CliRun again = CliRun.main("keygen", "--add-nostr", "--identity", file().toString());
        assertThat(again.lines()).first().isEqualTo("loaded identity");
        assertThat(Files.readAllBytes(file())).isEqualTo(complete);
    }

    @Test
    void keygenWithoutForceLoadsAnExistingIdentityAndLeavesTheFileAlone() throws Exception {
        CliRun.main("keygen", "--identity", file().toString());
        byte[] before = Files.readAllBytes(file());
        CliRun again = CliRun.main("keygen", "--identity", file().toString());
        assertThat(again.exit()).isZero();
        assertThat(again.lines()).containsExactly("loaded identity", "path: " + file(),
                "public key: " + IdentityFile.read(file()).orElseThrow().publicKey(), "nostr key: " + npub());
        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void keygenWithForceReplacesTheIdentity() {
        CliRun.main("keygen", "--identity", file().toString());
        String old = IdentityFile.read(file()).orElseThrow().publicKey();
        CliRun forced = CliRun.main("keygen", "--force", "--identity", file().toString());
        assertThat(forced.exit()).isZero();
        String now = IdentityFile.read(file()).orElseThrow().publicKey();
        assertThat(now).isNotEqualTo(old);
        assertThat(forced.lines()).containsExactly("created identity", "path: " + file(), "public key: " + now, "nostr key: " + npub());
    }

    @Test
    void keygenOnABrokenFileExitsOneNamingItAndDoesNotReplaceIt() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"version\":9}");
        CliRun r = CliRun.main("keygen", "--identity", file().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: ").contains(file().toString()).doesNotContain("\n");
        assertThat(Files.readString(file())).isEqualTo("{\"version\":9}");
    }

    @Test
    void whoamiPrintsThePublicKeyAloneOnOneLine() {
        CliRun.main("keygen", "--identity", file().toString());
        CliRun r = CliRun.main("whoami", "--identity", file().toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(IdentityFile.read(file()).orElseThrow().publicKey() + System.lineSeparator());
    }

    @Test
    void whoamiReadsALobstahFile() throws Exception {
        Identity id = Identity.generate();
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"version\":1,\"publicKey\":\"" + id.publicKey() + "\",\"secretKey\":\"" + id.seedHex() + "\"}");
        assertThat(CliRun.main("whoami", "--identity", file().toString()).out().strip()).isEqualTo(id.publicKey());
    }

    @Test
    void whoamiWithoutAnIdentityExitsOneWithAHint() {
        CliRun r = CliRun.main("whoami", "--identity", file().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: no identity at " + file() + "; run 'idleclaw keygen'" + System.lineSeparator());
    }

    @Test
    void helpNamesTheIdentityEnvironmentVariable() {
        assertThat(CliRun.wide("keygen", "--help").out())
                .contains("(env: IDLECLAW_IDENTITY, default: identity.json in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw)").contains("--force").contains("--add-nostr");
        assertThat(CliRun.main("whoami", "--help").out()).contains("--identity");
    }
}
