package dev.idleclaw.cli;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.peer.NostrFollower;
import dev.idleclaw.peer.PeersFileException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code idleclaw peers sync-nostr RELAY…}: one {@link NostrFollower} round against each relay (Lobstah's
 * {@code peers gossip-nostr}, with the tracker path's checks), printing what each gave. Exit 0 when at least one
 * relay answered, 1 when none did, 2 for a relay URL that is not {@code ws(s)://}.
 */
@Command(name = "sync-nostr", mixinStandardHelpOptions = true,
        description = "Add every fresh, validly signed, safely addressed peer announced on these Nostr relays (kind 31474).")
final class PeersSyncNostr implements Callable<Integer> {
    @ParentCommand
    PeersCommand parent;
    @Parameters(paramLabel = "RELAY", arity = "1..*", description = "Relay URLs, e.g. wss://relay.example.")
    List<String> relays;
    @Mixin
    PeersCommand.FileOptions options;

    @Override
    public Integer call() {
        UrlSafety safety = options.safety();
        if (safety == null) return 2;
        List<URI> uris;
        try {
            uris = FederationOptions.relays("sync-nostr", relays);
        } catch (IllegalArgumentException e) {
            return PeersCommand.usageError(e.getMessage());
        }
        try {
            var rounds = new NostrFollower(uris, parent.file(options), safety, parent.nowMillis(), null).syncAll();
            for (var round : rounds) {
                if (round.error() != null) {
                    System.err.println("error: relay " + round.relay() + ": " + round.error());
                    continue;
                }
                var r = round.result();
                System.out.printf("synced %d peer(s) from %s (rejected %d bad-signature, %d unsafe-url, %d stale)%n",
                        r.synced(), round.relay(), r.badSignature(), r.unsafeUrl(), r.stale());
            }
            return rounds.stream().anyMatch(r -> r.error() == null) ? 0 : 1;
        } catch (PeersFileException e) {
            return PeersCommand.runtimeError(e.getMessage());
        }
    }
}
