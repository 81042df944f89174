package dev.idleclaw.cli;

import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.peer.Peer;
import dev.idleclaw.peer.PeersFile;
import dev.idleclaw.peer.PeersFileException;
import dev.idleclaw.peer.TrackerSync;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code idleclaw peers add|remove|list|sync|sync-nostr}: the peers file a router reads (Lobstah's {@code peers.json}). Exit 2
 * for a usage error (malformed key, unsafe URL, bad tracker URL), 1 for a runtime error (file unreadable, tracker
 * unreachable, nothing to remove), each with one {@code error: …} line on stderr.
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "Manage the peers file: workers a router may send chats to.",
        subcommands = {PeersCommand.Add.class, PeersCommand.Remove.class, PeersCommand.ListPeers.class, PeersCommand.Sync.class,
                PeersSyncNostr.class})
final class PeersCommand implements Runnable {
    private final LongSupplier nowMillis;
    @Spec
    CommandSpec spec;

    PeersCommand() {
        this(System::currentTimeMillis);
    }

    /** With a clock of the test's choosing (expiry and announcement freshness are judged by it). */
    PeersCommand(LongSupplier nowMillis) {
        this.nowMillis = nowMillis;
    }

    /** The clock expiry and freshness are judged by. */
    java.util.function.LongSupplier nowMillis() {
        return nowMillis;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The options every subcommand shares: which file, and which peer addresses are acceptable. */
    static final class FileOptions {
        @Option(names = "--peers", paramLabel = "FILE",
                description = "Peers file (env: IDLECLAW_PEERS, default: peers.json in $IDLECLAW_DATA_DIR, else in $HOME/.idleclaw).")
        Path file;
        @Option(names = "--local", defaultValue = "${env:IDLECLAW_PEERS_LOCAL:-false}",
                description = "Allow peers on loopback and private addresses, for local setups (env: IDLECLAW_PEERS_LOCAL=true|false, default: false).")
        boolean local;
        @Option(names = "--block-private", defaultValue = "${env:IDLECLAW_BLOCK_PRIVATE_ADDRS:-false}",
                description = "Also refuse peers on private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) "
                        + "(env: IDLECLAW_BLOCK_PRIVATE_ADDRS=true|false, default: false).")
        boolean blockPrivate;

        Path path() {
            return file != null ? file : PeersFile.defaultPath();
        }

        /** The address policy, or null after printing why the flags contradict each other. */
        UrlSafety safety() {
            if (local && blockPrivate) {
                System.err.println("error: --local and --block-private contradict each other");
                return null;
            }
            return UrlSafety.of(local ? UrlSafety.Policy.LOCAL : blockPrivate ? UrlSafety.Policy.BLOCK_PRIVATE : UrlSafety.Policy.DEFAULT);
        }
    }

    PeersFile file(FileOptions options) {
        return new PeersFile(options.path(), nowMillis);
    }

    static int runtimeError(String message) {
        System.err.println("error: " + message);
        return 1;
    }

    static int usageError(String message) {
        System.err.println("error: " + message);
        return 2;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a peer, or update the one with this key, after checking its URL. Hand-added peers never expire.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        PeersCommand parent;
        @Parameters(index = "0", paramLabel = "PUBKEY", description = "The worker's lob1… key.")
        String pubkey;
        @Parameters(index = "1", paramLabel = "URL", description = "The worker's base URL, e.g. http://10.0.0.5:17474.")
        String url;
        @Parameters(index = "2", arity = "0..1", paramLabel = "LABEL", description = "A name for the list.")
        String label;
        @Mixin
        FileOptions options;

        @Override
        public Integer call() {
            UrlSafety safety = options.safety();
            if (safety == null) return 2;
            if (!PublicKeys.valid(pubkey)) return usageError("not a public key (lob1 + 64 lowercase hex): " + pubkey);
            if (safety.check(url) instanceof UrlSafety.Verdict.Unsafe(String why)) {
                return usageError("unsafe peer URL " + url + ": " + why + (options.local ? "" : " (--local allows loopback)"));
            }
            try {
                boolean replaced = parent.file(options).upsert(Peer.of(pubkey, url, label));
                System.out.println((replaced ? "updated " : "added ") + pubkey + " " + url);
                return 0;
            } catch (PeersFileException e) {
                return runtimeError(e.getMessage());
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the peer with this key.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        PeersCommand parent;
        @Parameters(paramLabel = "PUBKEY", description = "The worker's lob1… key.")
        String pubkey;
        @Mixin
        FileOptions options;

        @Override
        public Integer call() {
            try {
                PeersFile file = parent.file(options);
                if (!file.remove(pubkey)) return runtimeError("no peer " + pubkey + " in " + file.path());
                System.out.println("removed " + pubkey);
                return 0;
            } catch (PeersFileException e) {
                return runtimeError(e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the peers (expired tracker entries are left out).")
    static final class ListPeers implements Callable<Integer> {
        @ParentCommand
        PeersCommand parent;
        @Mixin
        FileOptions options;

        @Override
        public Integer call() {
            List<Peer> peers;
            try {
                peers = parent.file(options).list();
            } catch (PeersFileException e) {
                return runtimeError(e.getMessage());
            }
            PrintStream out = System.out;
            if (peers.isEmpty()) {
                out.println("no peers");
                return 0;
            }
            out.printf("%-68s  %-32s  %-16s  %s%n", "PUBKEY", "URL", "LABEL", "EXPIRES");
            for (Peer p : peers) {
                String expires = p.expiresAt() == null ? "never" : Instant.ofEpochMilli(p.expiresAt()).toString();
                out.printf("%-68s  %-32s  %-16s  %s%n", Printable.of(p.pubkey()), Printable.of(p.url()),
                        p.label() == null ? "-" : Printable.of(p.label()), expires);
            }
            return 0;
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Add every fresh, validly signed, safely addressed peer a tracker lists; they expire with their announcement.")
    static final class Sync implements Callable<Integer> {
        @ParentCommand
        PeersCommand parent;
        @Parameters(paramLabel = "TRACKER", description = "The tracker's base URL, e.g. http://tracker.example:17476.")
        String tracker;
        @Mixin
        FileOptions options;

        @Override
        public Integer call() {
            UrlSafety safety = options.safety();
            if (safety == null) return 2;
            URI uri;
            try {
                uri = TrackerSync.trackerUri(tracker);
            } catch (IllegalArgumentException e) {
                return usageError(e.getMessage());
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(TrackerSync.TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            try (http) {
                var r = TrackerSync.sync(uri, parent.file(options), safety, http, parent.nowMillis.getAsLong());
                System.out.printf("synced %d peer(s) from %s (rejected %d bad-signature, %d unsafe-url, %d stale)%n",
                        r.synced(), tracker, r.badSignature(), r.unsafeUrl(), r.stale());
                return 0;
            } catch (IOException e) {
                return runtimeError("tracker " + tracker + ": " + e.getMessage());
            } catch (PeersFileException e) {
                return runtimeError(e.getMessage());
            }
        }
    }
}
