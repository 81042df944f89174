package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.ledger.Ledgers;
import org.junit.jupiter.api.Test;

/** {@code idleclaw server keys add|list|remove} against an in-memory ledger. */
class ServerKeysCommandTest {
    private final FakeLedger ledger = new FakeLedger();
    private final String alice = Identity.generate().publicKey();
    private final String bob = Identity.generate().publicKey();

    private CliRun keys(String... args) {
        return CliRun.command(new ServerKeysCommand(ledger::open), args);
    }

    private String addedKey(CliRun run) {
        return run.lines().stream().filter(l -> l.startsWith("api key: ")).findFirst().orElseThrow().substring("api key: ".length());
    }

    @Test
    void addPrintsANewKeyOnceAndStoresOnlyItsHash() {
        CliRun r = keys("add", alice, "--label", "laptop");
        assertThat(r.exit()).isZero();
        String key = addedKey(r);
        assertThat(key).matches("ick_[A-Za-z0-9_-]{43}");
        assertThat(r.out()).contains("public key: " + alice).contains("cannot be shown again");
        assertThat(ledger.apiKeyOwner(ApiKeys.sha256(key))).contains(alice);
        assertThat(ledger.keys.values()).singleElement().satisfies(row -> assertThat(row.label()).isEqualTo("laptop"));
        assertThat(ledger.closes).isEqualTo(1);
    }

    @Test
    void theDefaultLedgerIsTheSqliteFileAndLedgerChoosesAnother() {
        keys("add", alice);
        keys("list", "--ledger", "jdbc:postgresql://db/idleclaw");
        assertThat(ledger.openedTargets).containsExactly(Ledgers.defaultSqlite(), "jdbc:postgresql://db/idleclaw");
    }

    @Test
    void listShowsPubkeyLabelAndCreatedButNeverTheKey() {
        String key = addedKey(keys("add", alice, "--label", "laptop"));
        keys("add", bob);
        CliRun r = keys("list");
        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(3);
        assertThat(r.lines().get(0)).startsWith("PUBKEY").contains("LABEL").contains("CREATED");
        assertThat(r.lines().get(1)).startsWith(alice).contains("laptop").contains("2023-11-14T22:13:20Z");
        assertThat(r.lines().get(2)).startsWith(bob).contains(" - ");
        assertThat(r.out()).doesNotContain(key).doesNotContain("ick_");
    }

    @Test
    void listWithNoKeysSaysSo() {
        assertThat(keys("list").out().strip()).isEqualTo("no api keys");
    }

    @Test
    void removeRevokesEveryKeyOfThatPubkeyOnly() {
        keys("add", alice);
        keys("add", alice);
        String bobs = addedKey(keys("add", bob));
        CliRun r = keys("remove", alice);
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("removed 2 api keys for " + alice);
        assertThat(ledger.apiKeys()).extracting(k -> k.pubkey()).containsExactly(bob);
        assertThat(ledger.apiKeyOwner(ApiKeys.sha256(bobs))).contains(bob);
    }

    @Test
    void removingAPubkeyWithoutKeysExitsOne() {
        CliRun r = keys("remove", alice);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no api key for " + alice);
    }

    @Test
    void aMalformedPubkeyExitsTwoWithoutOpeningTheLedger() {
        assertThat(keys("add", "lob1XYZ").exit()).isEqualTo(2);
        assertThat(keys("remove", alice.toUpperCase()).exit()).isEqualTo(2);
        assertThat(ledger.openedTargets).isEmpty();
    }

    @Test
    void aLedgerThatCannotBeOpenedExitsOneWithTheReason() {
        CliRun r = CliRun.command(new ServerKeysCommand(target -> {
            throw new IllegalStateException("disk on fire");
        }), "list", "--ledger", "/nowhere/ledger.db");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("idleclaw server keys: cannot open ledger /nowhere/ledger.db: disk on fire");
    }

    @Test
    void serverWithoutKeysIsStillTheHubCommandWithItsOptions() {
        var parsed = Main.commandLine().parseArgs("server", "--port", "8123", "--host", "0.0.0.0").subcommand();
        assertThat(parsed.hasSubcommand()).isFalse();
        assertThat(parsed.commandSpec().userObject()).isInstanceOfSatisfying(ServerCommand.class, s -> {
            assertThat(s.port).isEqualTo(8123);
            assertThat(s.host).isEqualTo("0.0.0.0");
        });
    }

    @Test
    void keysIsASubcommandOfServerAndServerStillTakesItsOwnOptions() {
        CliRun help = CliRun.main("server", "keys", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("add").contains("list").contains("remove");
        CliRun serverHelp = CliRun.main("server", "--help");
        assertThat(serverHelp.out()).contains("--port").contains("keys");
        CliRun addHelp = CliRun.wide("server", "keys", "add", "--help");
        assertThat(addHelp.out()).as(addHelp.exit() + " " + addHelp.err()).contains("--label").contains("--ledger")
                .contains("(env: IDLECLAW_LEDGER, default: ledger.db in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw)");
    }
}
