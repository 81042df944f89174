package dev.idleclaw.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.json.Json;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code idleclaw balance}: asks the hub for your credit with a request signed by your identity, so the hub's
 * {@code self} (lobstah-wire.md §8 {@code GET /balance}) is you. Exit 1 with a one-line reason without an identity,
 * when the hub is unreachable, answers other than 200, or answers for another key.
 */
@Command(name = "balance", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show your credit on a hub: available, earned, spent, allowance, and any credit held while your node is on probation.")
final class BalanceCommand implements Callable<Integer> {
    /** A quick look like {@code status}: a hub slower than this counts as unreachable. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] NO_BODY = new byte[0];

    @Option(names = ServerSetting.FLAG, paramLabel = "URL",
            description = "Hub base URL (env: " + ServerSetting.ENV + ", default: " + ServerSetting.DEFAULT + ").")
    String server;
    /** Where {@code $IDLECLAW_SERVER} is read from (tests pass their own). */
    private final Function<String, String> env;

    BalanceCommand() {
        this(System::getenv);
    }

    BalanceCommand(Function<String, String> env) {
        this.env = env;
    }
    @Mixin
    TlsOption tls = new TlsOption();
    @Mixin
    IdentityOption identity;

    @Override
    public Integer call() {
        HubClient hub;
        try {
            hub = HubClient.of(server, env, tls);
        } catch (IllegalArgumentException e) {
            return fail(2, e.getMessage());
        }
        Path path = identity.path();
        Optional<Identity> id;
        try {
            id = IdentityFile.read(path);
        } catch (IdentityFileException e) {
            return fail(1, e.getMessage());
        }
        if (id.isEmpty()) {
            System.err.println(IdentityOption.missing(path));
            return 1;
        }
        var uri = hub.uri("/balance");
        var builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json").GET();
        HttpRequest req = RequestAuth.signing(id.get()).apply(builder, "GET", uri, NO_BODY).build();
        HttpResponse<String> res;
        try {
            res = hub.http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(1, "interrupted");
        } catch (Exception e) {
            return fail(1, "cannot reach hub at " + hub.base + ": " + HubClient.describe(e, uri) + " (" + hub.origin + ")");
        }
        if (res.statusCode() != 200) return fail(1, "HTTP " + res.statusCode() + " from " + hub.base + "/balance");
        JsonNode self;
        try {
            self = Json.parse(res.body()).path("self");
        } catch (Exception e) {
            return fail(1, "the hub's /balance answer is not JSON");
        }
        String pubkey = Json.text(self, "pubkey");
        if (pubkey == null) return fail(1, "the hub's /balance answer has no self.pubkey");
        if (!pubkey.equals(id.get().publicKey())) {
            return fail(1, "the hub answered for " + pubkey + ", not for you (does it accept signed requests?)");
        }
        PrintStream out = System.out;
        out.println("public key: " + pubkey);
        out.println("available: " + self.path("available").asLong());
        out.println("earned: " + self.path("earned").asLong());
        out.println("spent: " + self.path("spent").asLong());
        out.println("allowance: " + self.path("allowance").asLong());
        // Earned while the node key was on probation: released when it leaves probation (docs/trust.md).
        if (self.path("held").asLong() > 0) out.println("held: " + self.path("held").asLong());
        if (self.path("forfeited").asLong() > 0) out.println("forfeited: " + self.path("forfeited").asLong());
        return 0;
    }

    private static int fail(int code, String reason) {
        System.err.println("idleclaw balance: " + Printable.of(reason));
        return code;
    }
}
