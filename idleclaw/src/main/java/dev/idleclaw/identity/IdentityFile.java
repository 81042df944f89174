package dev.idleclaw.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.home.DataDir;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The identity file: {@code {"version":2,"publicKey":"lob1…","secretKey":"<64 hex seed>"}} (Lobstah's v2 shape
 * without the Nostr keys, lobstah-wire.md §2), 2-space indented, mode 0600. Lobstah's own files are read too: v1,
 * and v2 with {@code nostrPublicKey}/{@code nostrSecretKey} (ignored). A file is never rewritten on load, so a
 * Lobstah file stays exactly as Lobstah wrote it; only {@link #create} with {@code force} replaces one.
 */
public final class IdentityFile {
    /** Overrides the default location. */
    public static final String ENV = "IDLECLAW_IDENTITY";
    /** The version we write; Lobstah's current format has the same number and fields (plus Nostr ones). */
    public static final int VERSION = 2;
    /** Lobstah's first format: the same two keys, no Nostr. */
    private static final int LOBSTAH_V1 = 1;
    /** Owner read/write only: the file holds the secret seed. */
    private static final String FILE_MODE = "rw-------";
    /** Owner only: nobody else should even list the secret's directory. */
    private static final String DIR_MODE = "rwx------";

    private IdentityFile() {}

    /** What {@link #loadOrCreate} found or made. */
    public record Loaded(Identity identity, Path path, boolean created) {}

    /** {@code $IDLECLAW_IDENTITY}, else {@code identity.json} in the data directory ({@link DataDir}). */
    public static Path defaultPath() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env.strip());
        return DataDir.current().file("identity.json");
    }

    /** The identity in {@code file}; empty when there is no such file. Throws when it exists but is not valid. */
    public static Optional<Identity> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IdentityFileException("cannot read identity file " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(parse(file, bytes));
    }

    /** The existing identity, or (none there, or {@code force}) a fresh one written to {@code file}. */
    public static Loaded loadOrCreate(Path file, boolean force) {
        if (!force) {
            Optional<Identity> existing = read(file);
            if (existing.isPresent()) return new Loaded(existing.get(), file, false);
        }
        return new Loaded(create(file, force), file, true);
    }

    /**
     * Writes a fresh identity to {@code file}: parent directories are created 0700, the secret goes to a temporary
     * file that is 0600 from its creation, which then replaces {@code file} in one rename. Without {@code force} an
     * existing file is left alone and this throws.
     */
    public static Identity create(Path file, boolean force) {
        Identity identity = Identity.generate();
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = null;
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIR_MODE)));
                else Files.createDirectories(dir);
            }
            if (!force && Files.exists(abs)) throw new IdentityFileException("identity file " + file + " already exists");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE))}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, ".identity-", ".tmp", attrs);
            Files.writeString(tmp, render(identity), StandardCharsets.UTF_8);
            if (force) {
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                Files.move(tmp, abs); // fails rather than replace a file that appeared meanwhile
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw new IdentityFileException("identity file " + file + " already exists", e);
        } catch (IOException e) {
            throw new IdentityFileException("cannot write identity file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is 0600 anyway
                }
            }
        }
        return identity;
    }

    /** Our file text: 2-space indentation like Lobstah's {@code JSON.stringify(x, null, 2)}, trailing newline. */
    static String render(Identity identity) {
        return "{\n  \"version\": " + VERSION + ",\n  \"publicKey\": \"" + identity.publicKey()
                + "\",\n  \"secretKey\": \"" + identity.seedHex() + "\"\n}\n";
    }

    private static Identity parse(Path file, byte[] bytes) {
        JsonNode root;
        try {
            root = Json.parse(bytes);
        } catch (IOException e) {
            throw new IdentityFileException("identity file " + file + " is not valid JSON", e);
        }
        if (root == null || !root.isObject()) throw new IdentityFileException("identity file " + file + " is not a JSON object");
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || (version.asInt() != LOBSTAH_V1 && version.asInt() != VERSION)) {
            throw new IdentityFileException("identity file " + file + " has unsupported version " + version + " (expected 1 or 2)");
        }
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
}
