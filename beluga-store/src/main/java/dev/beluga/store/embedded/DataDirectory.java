package dev.beluga.store.embedded;

import dev.beluga.store.StoreCorruptException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory holding the embedded store ({@code <data-dir>/db}): checks that it is empty or a Beluga store and
 * holds an exclusive lock on it for the life of the store, so that two processes never open one store.
 *
 * <p>A directory with files that are not Beluga's, or whose database file is not SQLite, is refused with a
 * {@link StoreCorruptException} before anything in it is created or changed.
 */
final class DataDirectory implements AutoCloseable {
    static final String DB_FILE = "state.db";
    private static final String LOCK_FILE = "LOCK";
    private static final Set<String> OWN_FILES = Set.of(DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", LOCK_FILE,
        DB_FILE + ".init", DB_FILE + ".init-wal", DB_FILE + ".init-shm");
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final boolean fresh;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path dir, boolean fresh, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.fresh = fresh;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Validates (creating it if absent) and locks the store directory. */
    static DataDirectory open(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir))
                throw new StoreCorruptException(dir + " exists and is not a directory");
            Files.createDirectories(dir);
            List<String> foreign;
            try (Stream<Path> s = Files.list(dir)) {
                foreign = s.map(p -> p.getFileName().toString()).filter(n -> !OWN_FILES.contains(n)).sorted().toList();
            }
            if (!foreign.isEmpty())
                throw new StoreCorruptException(dir + " is not a Beluga store directory: it holds " + foreign
                    + "; refusing to use it (nothing was changed). Choose another --data-dir or empty it.");
            Path db = dir.resolve(DB_FILE);
            boolean fresh = !Files.exists(db);
            if (fresh && (Files.exists(dir.resolve(DB_FILE + "-wal"))))
                throw new StoreCorruptException(dir + " holds a write-ahead log but no database file " + DB_FILE
                    + "; refusing to start (nothing was changed)");
            if (!fresh) checkMagic(db);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new StoreCorruptException(dir + " is in use by another Beluga process (its LOCK is held)");
            }
            return new DataDirectory(dir, fresh, ch, lock);
        } catch (IOException e) {
            throw new StoreCorruptException("cannot use store directory " + dir + ": " + e, e);
        }
    }

    private static void checkMagic(Path db) throws IOException {
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(db)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0 && Files.size(db) == 0)
            throw new StoreCorruptException(db + " is empty: the store database was lost or truncated; refusing to"
                + " start (nothing was changed)");
        if (n < head.length || !Arrays.equals(head, SQLITE_MAGIC))
            throw new StoreCorruptException(db + " is not a Beluga store database (unrecognised file header);"
                + " refusing to start (nothing was changed)");
    }

    Path dbFile() {
        return dir.resolve(DB_FILE);
    }

    Path path() {
        return dir;
    }

    /** True when the directory held no store yet (a new store will be created). */
    boolean isFresh() {
        return fresh;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // released when the process exits anyway
        }
    }
}
