package dev.beluga.store.embedded;

import dev.beluga.store.StorageFullException;
import dev.beluga.store.StoreCorruptException;
import dev.beluga.store.StoreUnavailableException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * The embedded store's disk format: an SQLite database in WAL mode with {@code synchronous=FULL}, so a committed
 * transaction is on disk (fsync) before {@link #commit} returns.
 *
 * <p>Schema (format 1):
 * <pre>
 *   meta(name TEXT PRIMARY KEY, value TEXT)          format, format_version, cluster_id, compacted_revision
 *   log(rev INTEGER PRIMARY KEY, key BLOB, create_rev, version, prev_rev)   one row per revision
 *   val(rev INTEGER PRIMARY KEY, value BLOB)          the value of each live revision (none for tombstones)
 * </pre>
 * Values live in their own table so that rebuilding the in-memory index at start reads only the small log rows.
 *
 * <p>Threading: writes ({@link #insert}, {@link #commit}, {@link #rollback}, {@link #deleteRevisions},
 * {@link #setMeta}) come from the single commit thread on the writer connection. Reads use a pool of read-only
 * connections and may run concurrently from any thread; in WAL mode they never block the writer.
 */
final class SqliteBackend implements AutoCloseable {
    static final String FORMAT = "beluga-store";
    static final int FORMAT_VERSION = 1;
    private static final int READERS = 4;
    /** The size the WAL file is truncated to when a checkpoint lets it start over. */
    static final long WAL_SIZE_LIMIT = 64L << 20;

    private final Path file;
    private final Connection writer;
    private final PreparedStatement insertLog;
    private final PreparedStatement insertVal;
    private final PreparedStatement writerReadValue;
    private final Statement writerStatement;
    /** A read-write connection of its own for {@link #checkpoint}: a read-only one cannot write back the database file. */
    private final Connection checkpointer;
    private final BlockingQueue<Reader> readers = new ArrayBlockingQueue<>(READERS);
    private final List<Reader> allReaders = new ArrayList<>();

    private SqliteBackend(Path file, Connection writer) throws SQLException {
        this.file = file;
        this.writer = writer;
        this.insertLog = writer.prepareStatement("INSERT INTO log(rev, key, create_rev, version, prev_rev) VALUES (?,?,?,?,?)");
        this.insertVal = writer.prepareStatement("INSERT INTO val(rev, value) VALUES (?,?)");
        this.writerReadValue = writer.prepareStatement("SELECT value FROM val WHERE rev = ?");
        this.writerStatement = writer.createStatement();
        this.checkpointer = open(file, false, false);
        for (int i = 0; i < READERS; i++) {
            Reader r = new Reader(open(file, false, true));
            readers.add(r);
            allReaders.add(r);
        }
    }

    /** Creates a new, empty database at {@code file} (which must not exist) and stamps it with the format. */
    static SqliteBackend create(Path file, String clusterId) {
        // built under a temporary name and renamed into place: a crash leaves either no store or a complete one
        Path init = file.resolveSibling(file.getFileName() + ".init");
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(init + suffix));
            Connection c = open(init, true, false);
            // tables and format stamp in one transaction: a crash leaves either nothing or a complete empty store
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                s.executeUpdate("CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.executeUpdate("CREATE TABLE log(rev INTEGER PRIMARY KEY, key BLOB NOT NULL, create_rev INTEGER NOT NULL,"
                    + " version INTEGER NOT NULL, prev_rev INTEGER NOT NULL)");
                s.executeUpdate("CREATE TABLE val(rev INTEGER PRIMARY KEY, value BLOB NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta(name, value) VALUES (?, ?)")) {
                for (String[] kv : new String[][] {{"format", FORMAT}, {"format_version", Integer.toString(FORMAT_VERSION)},
                    {"cluster_id", clusterId}, {"compacted_revision", "0"}}) {
                    ps.setString(1, kv[0]);
                    ps.setString(2, kv[1]);
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            c.close();
            Files.move(init, file, StandardCopyOption.ATOMIC_MOVE);
            for (String suffix : new String[] {"-wal", "-shm"}) Files.deleteIfExists(Path.of(init + suffix));
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            return openExisting(file);
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("cannot create store database " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing database, first checking (read-only, changing nothing) that it is a Beluga store of a format
     * this version reads.
     */
    static SqliteBackend openExisting(Path file) {
        validate(file);
        Connection c;
        try {
            c = open(file, false, false);
        } catch (SQLException e) {
            throw new StoreCorruptException("cannot open store database " + file + ": " + e.getMessage(), e);
        }
        try {
            return new SqliteBackend(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreCorruptException(file + " is not a readable Beluga store: " + e.getMessage(), e);
        }
    }

    private static void validate(Path file) {
        try (Connection ro = open(file, false, true)) {
            Map<String, String> meta = new HashMap<>();
            try (Statement s = ro.createStatement();
                 ResultSet tables = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                List<String> names = new ArrayList<>();
                while (tables.next()) names.add(tables.getString(1));
                if (!names.containsAll(List.of("meta", "log", "val")))
                    throw new StoreCorruptException(file + " is an SQLite database but not a Beluga store (tables " + names
                        + "); refusing to start (nothing was changed)");
            }
            try (Statement s = ro.createStatement(); ResultSet rs = s.executeQuery("SELECT name, value FROM meta")) {
                while (rs.next()) meta.put(rs.getString(1), rs.getString(2));
            }
            if (!FORMAT.equals(meta.get("format")))
                throw new StoreCorruptException(file + " is an SQLite database but not a Beluga store (no format marker);"
                    + " refusing to start (nothing was changed)");
            int version = Integer.parseInt(meta.getOrDefault("format_version", "-1"));
            if (version != FORMAT_VERSION)
                throw new StoreCorruptException(file + " has store format " + version + "; this Beluga reads format "
                    + FORMAT_VERSION + " (was it written by a newer Beluga?); refusing to start (nothing was changed)");
        } catch (SQLException | NumberFormatException e) {
            throw new StoreCorruptException(file + " is not a readable Beluga store: " + e.getMessage()
                + "; refusing to start (nothing was changed)", e);
        }
    }

    private static Connection open(Path file, boolean create, boolean readOnly) throws SQLException {
        SqliteNativeLibrary.useCache(); // before sqlite-jdbc loads its library (first connection); cheap afterwards
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.resetOpenMode(SQLiteOpenMode.CREATE);
        cfg.resetOpenMode(SQLiteOpenMode.READWRITE);
        cfg.setOpenMode(readOnly ? SQLiteOpenMode.READONLY : SQLiteOpenMode.READWRITE);
        if (create) cfg.setOpenMode(SQLiteOpenMode.CREATE);
        cfg.setBusyTimeout(30_000);
        if (!readOnly) {
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
            cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        }
        cfg.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(256L << 20));
        Connection c = cfg.createConnection("jdbc:sqlite:" + file);
        if (!readOnly) {
            // checkpoints run on the background checkpointer, never on the commit path
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("PRAGMA journal_size_limit=" + WAL_SIZE_LIMIT);
            }
        }
        return c;
    }

    String meta(String name) {
        try (PreparedStatement ps = writer.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failure("reading meta " + name, e);
        }
    }

    /** Stages a meta value in the current transaction (writer thread). */
    void setMeta(String name, String value) {
        try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("writing meta " + name, e);
        }
    }

    /** Stages rows in the current transaction (writer thread). */
    void insert(List<Row> rows) {
        try {
            for (Row r : rows) {
                insertLog.setLong(1, r.rev());
                insertLog.setBytes(2, r.key());
                insertLog.setLong(3, r.createRev());
                insertLog.setLong(4, r.version());
                insertLog.setLong(5, r.prevRev());
                insertLog.executeUpdate();
                if (!r.isTombstone()) {
                    insertVal.setLong(1, r.rev());
                    insertVal.setBytes(2, r.value());
                    insertVal.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw failure("writing " + rows.size() + " revisions", e);
        }
    }

    /**
     * Starts the transaction that the following writes are staged in (writer thread). Transactions are controlled
     * here with explicit statements, not through JDBC auto-commit, because SQLite itself rolls a transaction back on
     * some errors (a full disk): the store must know for certain that no write is ever committed on its own.
     */
    void begin() {
        try {
            writerStatement.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw failure("starting a transaction", e);
        }
    }

    /** Commits the current transaction; returns only once it is durable (writer thread). */
    void commit() {
        try {
            writerStatement.execute("COMMIT");
        } catch (SQLException e) {
            throw failure("committing", e);
        }
    }

    /** Abandons the current transaction, if SQLite has not already (writer thread). */
    void rollback() {
        try {
            writerStatement.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction was active: SQLite rolled it back itself
        }
    }

    /** Stages the deletion of the given revisions (writer thread). */
    void deleteRevisions(long[] revs, int from, int to) {
        try (PreparedStatement dl = writer.prepareStatement("DELETE FROM log WHERE rev = ?");
             PreparedStatement dv = writer.prepareStatement("DELETE FROM val WHERE rev = ?")) {
            for (int i = from; i < to; i++) {
                dl.setLong(1, revs[i]);
                dl.executeUpdate();
                dv.setLong(1, revs[i]);
                dv.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("deleting compacted revisions", e);
        }
    }

    /** The value of a revision, read on the writer connection (writer thread; sees staged rows). */
    byte[] valueOnWriter(long rev) {
        try {
            writerReadValue.setLong(1, rev);
            try (ResultSet rs = writerReadValue.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw failure("reading revision " + rev, e);
        }
    }

    /** Calls {@code action} with every log row in revision order, without values (start-up index rebuild). */
    void scanLog(Consumer<Row> action) {
        try (Statement s = writer.createStatement();
             ResultSet rs = s.executeQuery("SELECT rev, key, create_rev, version, prev_rev FROM log ORDER BY rev")) {
            while (rs.next())
                action.accept(new Row(rs.getLong(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), null));
        } catch (SQLException e) {
            throw new StoreCorruptException("cannot read the revision log of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The values of the given revisions (missing ones, e.g. compacted, are absent from the map). Any thread. */
    Map<Long, byte[]> values(long[] revs) {
        Reader r = borrow();
        try {
            Map<Long, byte[]> out = new HashMap<>(revs.length * 2);
            for (long rev : revs) {
                r.value.setLong(1, rev);
                try (ResultSet rs = r.value.executeQuery()) {
                    if (rs.next()) out.put(rev, rs.getBytes(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading values", e);
        } finally {
            readers.add(r);
        }
    }

    /** Log rows with values, revisions in (after, upTo], at most {@code limit}, in order (watch catch-up). */
    List<Row> rowsAfter(long after, long upTo, int limit) {
        Reader r = borrow();
        try {
            r.range.setLong(1, after);
            r.range.setLong(2, upTo);
            r.range.setInt(3, limit);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = r.range.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getBytes(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading history", e);
        } finally {
            readers.add(r);
        }
    }

    /** One full row (with its value), or null if absent. Any thread. */
    Row row(long rev) {
        Reader r = borrow();
        try {
            r.row.setLong(1, rev);
            try (ResultSet rs = r.row.executeQuery()) {
                if (!rs.next()) return null;
                return new Row(rs.getLong(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getBytes(6));
            }
        } catch (SQLException e) {
            throw failure("reading revision " + rev, e);
        } finally {
            readers.add(r);
        }
    }

    /** Copies the WAL into the database file without blocking writers. Called by the background checkpointer. */
    /** What one checkpoint did, in WAL frames ({@code busy}: it could not finish because a reader or writer held it). */
    record Checkpoint(boolean busy, int walFrames, int checkpointedFrames) {
    }

    /**
     * Copies committed WAL frames back into the database file (a PASSIVE checkpoint: it never blocks the writer or
     * readers, and does what it can). Once every frame is copied, the next commit starts the WAL from its beginning
     * again, so the WAL stays bounded (and is truncated to {@link #WAL_SIZE_LIMIT} when reset). The writer's
     * auto-checkpoint is off, so this is the only checkpoint while the store runs: the checkpoint thread calls it
     * every second, and {@code close} once more. Serialized on its own connection; a failure is returned as busy and
     * retried next time (the WAL keeps the data safe meanwhile).
     */
    Checkpoint checkpoint() {
        synchronized (checkpointer) {
            try (Statement s = checkpointer.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (!rs.next()) return new Checkpoint(true, -1, -1);
                return new Checkpoint(rs.getInt(1) != 0, rs.getInt(2), rs.getInt(3));
            } catch (SQLException e) {
                return new Checkpoint(true, -1, -1);
            }
        }
    }

    private Reader borrow() {
        try {
            return readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted", e);
        }
    }

    /** Maps an SQLite failure to a store exception: a full disk is a {@link StorageFullException}. */
    RuntimeException failure(String what, SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_FULL || code.name().startsWith("SQLITE_IOERR") && diskNearlyFull())
                return new StorageFullException("no space left on the device holding " + file + " while " + what
                    + "; the write was not applied, free disk space and retry", e);
            if (code == SQLiteErrorCode.SQLITE_CORRUPT || code == SQLiteErrorCode.SQLITE_NOTADB)
                return new StoreCorruptException("store database " + file + " is corrupt (" + what + "): " + e.getMessage(), e);
        }
        return new StoreUnavailableException("store I/O error while " + what + ": " + e.getMessage(), e);
    }

    private boolean diskNearlyFull() {
        try {
            return file.getParent().toFile().getUsableSpace() < (1L << 20);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Reader r : allReaders) closeQuietly(r.connection);
        synchronized (checkpointer) {
            closeQuietly(checkpointer);
        }
        rollback();
        closeQuietly(writer);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    /** One pooled read-only connection with its prepared statements. */
    private static final class Reader {
        final Connection connection;
        final PreparedStatement value;
        final PreparedStatement range;
        final PreparedStatement row;

        Reader(Connection c) throws SQLException {
            this.connection = c;
            this.value = c.prepareStatement("SELECT value FROM val WHERE rev = ?");
            this.range = c.prepareStatement("SELECT l.rev, l.key, l.create_rev, l.version, l.prev_rev, v.value FROM log l"
                + " LEFT JOIN val v ON v.rev = l.rev WHERE l.rev > ? AND l.rev <= ? ORDER BY l.rev LIMIT ?");
            this.row = c.prepareStatement("SELECT l.rev, l.key, l.create_rev, l.version, l.prev_rev, v.value FROM log l"
                + " LEFT JOIN val v ON v.rev = l.rev WHERE l.rev = ?");
        }
    }
}
