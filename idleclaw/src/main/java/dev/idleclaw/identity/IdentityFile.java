package dev.idleclaw.identity;

import dev.idleclaw.home.DataDir;
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
 * The identity file, in Lobstah's v2 format (lobstah-wire.md §2) so that Lobstah's CLI loads ours unchanged:
 * {@code {"version":2,"publicKey":"lob1…","secretKey":"<64 hex seed>","nostrPublicKey":"<64 hex>",
 * "nostrSecretKey":"<64 hex>"}}, mode 0600 (format details in {@link IdentityFileFormat}). Lobstah's v1 and v2 and
 * our own earlier v2 without Nostr keys are read too. Loading never rewrites a file, so a Lobstah file stays exactly
 * as Lobstah wrote it; only {@link #create} with {@code force} and the explicit {@link #addNostrKey} replace one.
 */
public final class IdentityFile {
    /** Overrides the default location. */
    public static final String ENV = "IDLECLAW_IDENTITY";
    /** The version we write: Lobstah's current format. */
    public static final int VERSION = 2;
    /** Owner read/write only: the file holds the secret seed. */
    private static final String FILE_MODE = "rw-------";
    /** Owner only: nobody else should even list the secret's directory. */
    private static final String DIR_MODE = "rwx------";

    private IdentityFile() {}

    /** What a file holds: its version, the Ed25519 identity, and its Nostr key (absent in v1 and our earlier v2). */
    public record Stored(int version, Identity identity, Optional<NostrKey> nostr) {}

    /** What {@link #loadOrCreate} found or made. */
    public record Loaded(Stored stored, Path path, boolean created) {
        /** The Ed25519 identity. */
        public Identity identity() {
            return stored.identity();
        }
    }

    /** {@code $IDLECLAW_IDENTITY}, else {@code identity.json} in the data directory ({@link DataDir}). */
    public static Path defaultPath() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return Path.of(env.strip());
        return DataDir.current().file("identity.json");
    }

    /** The identity in {@code file}; empty when there is no such file. Throws when it exists but is not valid. */
    public static Optional<Identity> read(Path file) {
        return readStored(file).map(Stored::identity);
    }

    /** Everything in {@code file}; empty when there is no such file. Throws when it exists but is not valid. */
    public static Optional<Stored> readStored(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IdentityFileException("cannot read identity file " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(IdentityFileFormat.parse(file, bytes));
    }

    /** The existing identity, or (none there, or {@code force}) a fresh one written to {@code file}. */
    public static Loaded loadOrCreate(Path file, boolean force) {
        if (!force) {
            Optional<Stored> existing = readStored(file);
            if (existing.isPresent()) return new Loaded(existing.get(), file, false);
        }
        Stored fresh = fresh();
        write(file, fresh, force);
        return new Loaded(fresh, file, true);
    }

    /**
     * Writes a fresh identity to {@code file}: parent directories are created 0700, the secret goes to a temporary
     * file that is 0600 from its creation, which then replaces {@code file} in one rename. Without {@code force} an
     * existing file is left alone and this throws.
     */
    public static Identity create(Path file, boolean force) {
        Stored fresh = fresh();
        write(file, fresh, force);
        return fresh.identity();
    }

    private static Stored fresh() {
        return new Stored(VERSION, Identity.generate(), Optional.of(NostrKey.generate()));
    }

    /**
     * Gives the file a Nostr key if it has none (Lobstah's v1, our earlier v2), keeping its Ed25519 key, and
     * rewrites it as a complete v2; a file that has one is returned as it is and not touched. Throws when there
     * is no file.
     */
    public static Loaded addNostrKey(Path file) {
        Stored stored = readStored(file).orElseThrow(() -> new IdentityFileException("no identity file at " + file));
        if (stored.nostr().isPresent()) return new Loaded(stored, file, false);
        Stored complete = new Stored(VERSION, stored.identity(), Optional.of(NostrKey.generate()));
        write(file, complete, true);
        return new Loaded(complete, file, false);
    }

    private static void write(Path file, Stored stored, boolean replace) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = null;
        try {
            if (!Files.isDirectory(dir)) {
                if (posix) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIR_MODE)));
                else Files.createDirectories(dir);
            }
            if (!replace && Files.exists(abs)) throw new IdentityFileException("identity file " + file + " already exists");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE))}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, ".identity-", ".tmp", attrs);
            Files.writeString(tmp, IdentityFileFormat.render(stored), StandardCharsets.UTF_8);
            if (replace) {
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
    }
}
