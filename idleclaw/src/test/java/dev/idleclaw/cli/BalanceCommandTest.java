package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.RequestSignature.Verdict;
import dev.idleclaw.identity.IdentityFile;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code idleclaw balance} against a tiny hub that verifies the signature and answers lobstah-wire.md §8's shape. */
class BalanceCommandTest {
    @TempDir
    Path dir;
    private SigningHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new SigningHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path identity() {
        return dir.resolve("identity.json");
    }

    private CliRun balance() {
        return CliRun.main("balance", "--server", hub.url(), "--identity", identity().toString());
    }

    @Test
    void printsTheSignedRequestersBalance() {
        String key = IdentityFile.loadOrCreate(identity(), false).identity().publicKey();
        CliRun r = balance();
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lines()).containsExactly("public key: " + key, "available: 10075", "earned: 120", "spent: 45", "allowance: 10000");
        assertThat(hub.seen).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("GET");
            assertThat(s.pathAndQuery()).isEqualTo("/balance");
            assertThat(s.verdict()).isInstanceOfSatisfying(Verdict.Valid.class, v -> assertThat(v.pubkey()).isEqualTo(key));
        });
    }

    @Test
    void aNon200AnswerExitsOneWithTheStatus() {
        IdentityFile.loadOrCreate(identity(), false);
        hub.balanceStatus = 503;
        CliRun r = balance();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("idleclaw balance: HTTP 503").doesNotContain("\n");
    }

    @Test
    void anAnswerForAnotherKeyIsNotShownAsYours() {
        IdentityFile.loadOrCreate(identity(), false);
        hub.balancePubkeyOverride = "lob1" + "1".repeat(64);
        CliRun r = balance();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("answered for lob1" + "1".repeat(64));
    }

    @Test
    void anUnreachableHubExitsOneWithAOneLineReason() throws Exception {
        IdentityFile.loadOrCreate(identity(), false);
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.main("balance", "--server", "http://127.0.0.1:" + port, "--identity", identity().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("idleclaw balance: cannot reach hub at").doesNotContain("\n");
    }

    @Test
    void withoutAnIdentityItExitsOneWithTheKeygenHint() {
        CliRun r = balance();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: no identity at " + identity() + "; run 'idleclaw keygen'");
        assertThat(hub.seen).isEmpty();
    }
}
