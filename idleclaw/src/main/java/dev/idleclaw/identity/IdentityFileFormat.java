package dev.idleclaw.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.IdentityFile.Stored;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The text of an identity file (lobstah-wire.md §2). We write Lobstah's v2 exactly as Lobstah's
 * {@code JSON.stringify(identity, null, 2)} does: the five fields in Lobstah's order, 2-space indentation, no
 * trailing newline. We read Lobstah's v1, Lobstah's v2, and the v2 without Nostr keys that earlier versions of ours
 * wrote (Lobstah cannot load that one; {@link IdentityFile#addNostrKey} repairs it).
 */
final class IdentityFileFormat {
    /** Lobstah's first format: the Ed25519 keys only; Lobstah adds a Nostr key when it loads one. */
    static final int LOBSTAH_V1 = 1;

    private IdentityFileFormat() {}

    static String render(Stored stored) {
        NostrKey nostr = stored.nostr().orElseThrow(() -> new IllegalArgumentException("we write only complete v2 files"));
        return "{\n  \"version\": " + IdentityFile.VERSION
                + ",\n  \"publicKey\": \"" + stored.identity().publicKey()
                + "\",\n  \"secretKey\": \"" + stored.identity().seedHex()
                + "\",\n  \"nostrPublicKey\": \"" + nostr.publicKeyHex()
                + "\",\n  \"nostrSecretKey\": \"" + nostr.secretKeyHex() + "\"\n}";
    }

    static Stored parse(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = Json.parse(bytes);
        } catch (IOException e) {
            throw new IdentityFileException("identity file " + file + " is not valid JSON", e);
        }
        if (root == null || !root.isObject()) throw new IdentityFileException("identity file " + file + " is not a JSON object");
        JsonNode v = root.get("version");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || (v.asInt() != LOBSTAH_V1 && v.asInt() != IdentityFile.VERSION)) {
            throw new IdentityFileException("identity file " + file + " has unsupported version " + v + " (expected 1 or 2)");
        }
        int version = v.asInt();
        Identity identity = ed25519(file, root);
        // Lobstah's v1 has no Nostr keys; Lobstah itself adds them on load
        Optional<NostrKey> nostr = version == IdentityFile.VERSION ? nostr(file, root) : Optional.empty();
        return new Stored(version, identity, nostr);
    }

    private static Identity ed25519(Path file, JsonNode root) {
        String publicKey = Json.text(root, "publicKey");
        if (!PublicKeys.valid(publicKey)) throw new IdentityFileException("identity file " + file + " has no valid publicKey (lob1 + 64 lowercase hex)");
        Identity identity;
        try {
            identity = Identity.fromSeedHex(Json.text(root, "secretKey"));
        } catch (IllegalArgumentException e) {
            throw new IdentityFileException("identity file " + file + " has no valid secretKey (64 hex characters)", e);
        }
        if (!identity.publicKey().equals(publicKey)) {
            throw new IdentityFileException("identity file " + file + " is inconsistent: its secretKey does not belong to its publicKey");
        }
        return identity;
    }

    /** Both Nostr fields, or neither (our earlier v2); one alone, or a pair that does not match, is an error. */
    private static Optional<NostrKey> nostr(Path file, JsonNode root) {
        boolean hasPublic = root.has("nostrPublicKey");
        boolean hasSecret = root.has("nostrSecretKey");
        if (!hasPublic && !hasSecret) return Optional.empty();
        if (hasPublic != hasSecret) {
            String which = hasPublic ? "nostrPublicKey without nostrSecretKey" : "nostrSecretKey without nostrPublicKey";
            throw new IdentityFileException("identity file " + file + " has " + which);
        }
        String publicHex = Json.text(root, "nostrPublicKey");
        if (publicHex == null || !publicHex.matches("[0-9a-fA-F]{64}")) {
            throw new IdentityFileException("identity file " + file + " has no valid nostrPublicKey (64 hex characters)");
        }
        NostrKey key;
        try {
            key = NostrKey.fromSecretHex(Json.text(root, "nostrSecretKey"));
        } catch (IllegalArgumentException e) {
            throw new IdentityFileException("identity file " + file + " has no valid nostrSecretKey: " + e.getMessage(), e);
        }
        if (!key.publicKeyHex().equalsIgnoreCase(publicHex)) {
            throw new IdentityFileException("identity file " + file
                    + " is inconsistent: its nostrSecretKey does not belong to its nostrPublicKey");
        }
        return Optional.of(key);
    }
}
