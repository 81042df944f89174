package dev.idleclaw.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.home.DataDir;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The peers file, Lobstah's {@code peers.json} (lobstah-wire.md §8): a JSON array of
 * {@code {"pubkey","url","label"?}} plus our optional {@code "expiresAt"} (epoch ms), 2-space indented with a
 * trailing newline, as {@code JSON.stringify(peers, null, 2)} writes it. Files written by Lobstah read as entries
 * that never expire; unknown fields are ignored. Entries past {@code expiresAt} are dropped on read and therefore
 * on the next write. Writes go to a temporary file in the same directory that then replaces the file in one
 * rename, so a reader never sees half a file. Changes within this JVM are serialised; two processes editing the
 * same file at once can still lose one edit (last rename wins).
 */
public final class PeersFile {
    /** Overrides the default location (Lobstah's is {@code $LOBSTAH_PEERS}). */
    public static final String ENV = "IDLECLAW_PEERS";
    /** Serialises read-modify-write cycles of every peers file in this JVM (edits are rare and tiny). */
    private static final Object EDITS = new Object();

    private final Path path;
    private final LongSupplier nowMillis;

    public PeersFile(Path path, LongSupplier nowMillis) {
        this.path = path;
        this.nowMillis = nowMillis;
    }

    /** {@code $IDLECLAW_PEERS}, else {@code peers.json} in the data directory ({@link DataDir}). */
    public static Path defaultPath() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env.strip());
        return DataDir.current().file("peers.json");
    }

    public Path path() {
        return path;
    }

    /** The live entries in file order; empty when the file does not exist. */
    public List<Peer> list() {
        return read(path, nowMillis.getAsLong());
    }

    /**
     * Adds {@code peer}, or replaces the entry with its key in place. Returns true when an entry was replaced.
     */
    public boolean upsert(Peer peer) {
        return upsertAll(List.of(peer)) > 0;
    }

    /** Upserts every peer in one write; returns how many replaced an existing entry. */
    public int upsertAll(List<Peer> peers) {
        synchronized (EDITS) {
            var byKey = new LinkedHashMap<String, Peer>();
            list().forEach(p -> byKey.put(p.pubkey(), p));
            int replaced = 0;
            for (Peer p : peers) if (byKey.put(p.pubkey(), p) != null) replaced++;
            write(path, List.copyOf(byKey.values()));
            return replaced;
        }
    }

    /** Removes the entry with this key; false (and no write) when there is none. */
    public boolean remove(String pubkey) {
        synchronized (EDITS) {
            List<Peer> before = list();
            List<Peer> after = before.stream().filter(p -> !p.pubkey().equals(pubkey)).toList();
            if (after.size() == before.size()) return false;
            write(path, after);
            return true;
        }
    }

    /** The live entries of {@code file} at {@code nowMillis}; empty when it does not exist. */
    public static List<Peer> read(Path file, long nowMillis) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new PeersFileException("cannot read peers file " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text, nowMillis);
    }

    /**
     * Parses the file's text: an array of objects with string {@code pubkey} and {@code url}, an optional string
     * {@code label} and an optional integer {@code expiresAt}. A blank file is an empty list. When a key appears
     * twice the first entry counts. Expired entries are left out.
     */
    static List<Peer> parse(String name, String text, long nowMillis) {
        if (text.isBlank()) return List.of();
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (IOException e) {
            throw new PeersFileException("peers file " + name + " is not valid JSON");
        }
        if (root == null || !root.isArray()) throw new PeersFileException("peers file " + name + " is not a JSON array");
        Map<String, Peer> byKey = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode n : root) {
            Peer p = entry(name, i++, n);
            if (!p.expired(nowMillis)) byKey.putIfAbsent(p.pubkey(), p);
        }
        return List.copyOf(byKey.values());
    }

    private static Peer entry(String name, int index, JsonNode n) {
        String where = "peers file " + name + ", entry " + index;
        if (!n.isObject()) throw new PeersFileException(where + " is not an object");
        String pubkey = Json.text(n, "pubkey"), url = Json.text(n, "url");
        if (pubkey == null || url == null) throw new PeersFileException(where + " needs string pubkey and url");
        JsonNode label = n.get("label");
        if (label != null && !label.isNull() && !label.isTextual()) throw new PeersFileException(where + ": label must be a string");
        JsonNode expires = n.get("expiresAt");
        Long expiresAt = null;
        if (expires != null && !expires.isNull()) {
            if (!expires.isIntegralNumber() || !expires.canConvertToLong()) throw new PeersFileException(where + ": expiresAt must be epoch milliseconds");
            expiresAt = expires.longValue();
        }
        return new Peer(pubkey, url, label == null || label.isNull() ? null : label.textValue(), expiresAt);
    }

    /** The file text for {@code peers}: Lobstah's layout, {@code expiresAt} only on entries that have one. */
    static String render(List<Peer> peers) {
        if (peers.isEmpty()) return "[]\n";
        var sb = new StringBuilder("[\n");
        for (int i = 0; i < peers.size(); i++) {
            Peer p = peers.get(i);
            sb.append("  {\n    \"pubkey\": ").append(Json.quote(p.pubkey()))
                    .append(",\n    \"url\": ").append(Json.quote(p.url()));
            if (p.label() != null) sb.append(",\n    \"label\": ").append(Json.quote(p.label()));
            if (p.expiresAt() != null) sb.append(",\n    \"expiresAt\": ").append(p.expiresAt());
            sb.append("\n  }").append(i + 1 < peers.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    /** Replaces {@code file} with {@code peers} atomically (temporary file in the same directory, then a rename). */
    static void write(Path file, List<Peer> peers) {
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempFile(abs.getParent(), ".peers-", ".tmp");
            Files.writeString(tmp, render(peers), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new PeersFileException("cannot write peers file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray temporary file holds nothing secret
                }
            }
        }
    }
}
