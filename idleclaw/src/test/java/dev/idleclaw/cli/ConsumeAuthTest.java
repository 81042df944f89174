package dev.idleclaw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ApiKeys;
import dev.idleclaw.auth.RequestSignature.Verdict;
import dev.idleclaw.identity.IdentityFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code idleclaw consume} identifies itself: signed with the identity, an API key, or anonymous. */
class ConsumeAuthTest {
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

    private CliRun consume(String... extra) {
        var args = new java.util.ArrayList<>(java.util.List.of("consume", "--server", hub.url(), "--model", "m", "--prompt", "hi"));
        args.addAll(java.util.List.of(extra));
        return CliRun.main(args.toArray(String[]::new));
    }

    @Test
    void withAnIdentityEveryRequestCarriesAValidSignatureOverWhatTheHubReceived() {
        String key = IdentityFile.loadOrCreate(identity(), false).identity().publicKey();
        CliRun r = consume("--identity", identity().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("hello");
        assertThat(hub.seen).singleElement().satisfies(s -> {
            assertThat(s.method()).isEqualTo("POST");
            assertThat(s.pathAndQuery()).isEqualTo("/api/chat");
            assertThat(s.host()).isEqualTo(hub.url().substring("http://".length()));
            assertThat(s.requester()).isEqualTo(key);
            assertThat(s.verdict()).isInstanceOfSatisfying(Verdict.Valid.class, v -> assertThat(v.pubkey()).isEqualTo(key));
            assertThat(s.authorization()).isNull();
        });
    }

    @Test
    void anonymousSendsNoSignatureAndNoRequester() {
        IdentityFile.loadOrCreate(identity(), false);
        CliRun r = consume("--identity", identity().toString(), "--anonymous", "--api-key", ApiKeys.generate());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(hub.seen).singleElement().satisfies(s -> {
            assertThat(s.verdict()).isEqualTo(new Verdict.Absent());
            assertThat(s.requester()).isNull();
            assertThat(s.authorization()).isNull();
        });
    }

    @Test
    void withoutAnIdentityFileTheRequestIsAnonymousAndNotAnError() {
        CliRun r = consume("--identity", dir.resolve("missing.json").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(hub.seen).singleElement().satisfies(s -> assertThat(s.verdict()).isEqualTo(new Verdict.Absent()));
        assertThat(Files.exists(dir.resolve("missing.json"))).isFalse();
    }

    @Test
    void anApiKeyIsSentAsABearerTokenInsteadOfASignature() {
        IdentityFile.loadOrCreate(identity(), false);
        String key = ApiKeys.generate();
        CliRun r = consume("--identity", identity().toString(), "--api-key", key);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(hub.seen).singleElement().satisfies(s -> {
            assertThat(s.authorization()).isEqualTo("Bearer " + key);
            assertThat(s.verdict()).isEqualTo(new Verdict.Absent());
        });
    }

    @Test
    void anApiKeyThatIsNotOursExitsTwo() {
        CliRun r = consume("--api-key", "sk-123");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--api-key must start with ick_");
        assertThat(hub.seen).isEmpty();
    }

    @Test
    void aBrokenIdentityFileExitsOneNamingIt() throws Exception {
        Files.writeString(identity(), "{\"version\":7}");
        CliRun r = consume("--identity", identity().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("idleclaw consume: ").contains(identity().toString()).doesNotContain("\n");
        assertThat(hub.seen).isEmpty();
    }
}
