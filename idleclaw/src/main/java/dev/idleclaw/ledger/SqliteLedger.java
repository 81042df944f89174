package dev.idleclaw.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The ledger in one SQLite file, for a single hub. One connection serves every call, guarded by a lock: SQLite
 * allows one writer at a time anyway, and the reads are single indexed lookups. The file is in WAL mode with
 * {@code synchronous=FULL}, so each append's commit is synced to disk before {@link #append} returns.
 */
public final class SqliteLedger extends JdbcLedger {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SqliteLedger.class);
    /** How long a statement waits for another process (e.g. a CLI reading the file) to release its lock. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /** The ledger names every account and receipt: nobody but its owner reads it (0600). */
    private static final java.util.Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection;
    private boolean closed;

    private SqliteLedger(String name, Connection connection, long bootstrapAllowance) {
        super(name, bootstrapAllowance);
        this.connection = connection;
    }

    /** Opens (creating it and its parent directories if needed) and migrates the ledger file. */
    public static SqliteLedger open(Path file, long bootstrapAllowance) {
        Path path = file.toAbsolutePath();
        String name = "sqlite:" + path;
        try {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new LedgerException("ledger " + name + ": cannot create its directory: " + e.getMessage(), e);
        }
        ownerOnly(path, name);
        String url = "jdbc:sqlite:" + path;
        SQLiteConfig config = config();
        var dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url);
        Migrations.migrate(dataSource, null, name);
        try {
            return new SqliteLedger(name, DriverManager.getConnection(url, config.toProperties()), bootstrapAllowance);
        } catch (SQLException e) {
            throw new LedgerException("ledger " + name + ": cannot open: " + e.getMessage(), e);
        }
    }

    /**
     * Makes the ledger readable by its owner only (0600, where the file system has POSIX permissions): a new file is
     * created so before SQLite opens it, an existing one and its {@code -wal}/{@code -shm} files are tightened
     * (a file we may not change is left as it is, with a warning).
     * SQLite gives the {@code -wal} and {@code -shm} files it creates the database file's mode, so they follow.
     */
    private static void ownerOnly(Path path, String name) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            // tightened below, with its companions
        } catch (IOException e) {
            throw new LedgerException("ledger " + name + ": cannot create it: " + e.getMessage(), e);
        }
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            Path p = Path.of(path + suffix);
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).equals(OWNER_ONLY)) Files.setPosixFilePermissions(p, OWNER_ONLY);
            } catch (IOException e) {
                // Someone else's file (another user reading it with the CLI): theirs to secure, not a reason to refuse.
                log.warn("ledger {}: cannot make {} owner-only: {}", name, p.getFileName(), e.toString());
            }
        }
    }

    private static SQLiteConfig config() {
        var config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // Take the write lock at BEGIN: a deferred transaction that upgrades later can fail with SQLITE_BUSY.
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config;
    }

    @Override
    <T> T withConnection(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            if (closed) throw new SQLException("the ledger is closed");
            return work.apply(connection);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closeWriter();
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw new LedgerException("ledger " + name() + ": cannot close: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
