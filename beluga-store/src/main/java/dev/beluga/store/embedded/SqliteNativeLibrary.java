package dev.beluga.store.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;

/**
 * Where sqlite-jdbc loads its native library from. Left to itself, sqlite-jdbc copies the library (about 1 MB) out of
 * its jar into a new temporary file at every start, reads both back to compare them, and leaves the file behind when
 * the process is killed. Instead, the library is copied once into a per-user cache directory
 * ({@code $XDG_CACHE_HOME/beluga}, else {@code ~/.cache/beluga}) under a name that identifies its contents (sqlite-jdbc
 * version, platform folder, and the CRC-32 and size the jar records for it), and sqlite-jdbc is pointed at that file
 * with its {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} system properties.
 *
 * <p>The copy is written to a temporary file in the cache directory and renamed into place, so a reader sees either no
 * file or a whole one, and concurrent processes writing the same name write the same bytes. Nothing is changed when
 * the user chose a library location ({@code org.sqlite.lib.path} or {@code org.sqlite.tmpdir} set) or when the cache
 * cannot be written: sqlite-jdbc then extracts the library as it normally does.
 *
 * <p>Thread-safe; {@link #useCache()} must run before the first SQLite connection is opened to have an effect.
 */
public final class SqliteNativeLibrary {
    private static final Logger log = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static final Object LOCK = new Object();
    private static volatile boolean done;

    private SqliteNativeLibrary() {
    }

    /**
     * Points sqlite-jdbc at the cached library, copying it into the user's cache directory first if it is not there.
     * Idempotent; failures are logged at debug level and leave sqlite-jdbc's own extraction in place.
     */
    public static void useCache() {
        if (done) return;
        synchronized (LOCK) {
            if (done) return;
            done = true;
            if (System.getProperty("org.sqlite.lib.path") != null || System.getProperty("org.sqlite.tmpdir") != null) return;
            Path dir = defaultCacheDir();
            if (dir == null) return;
            try {
                Path lib = cached(dir);
                System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
                System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
            } catch (IOException | RuntimeException e) {
                log.debug("SQLite native library not cached in {} ({}); sqlite-jdbc extracts it itself", dir, e.toString());
            }
        }
    }

    /** {@code $XDG_CACHE_HOME/beluga}, else {@code ~/.cache/beluga}; null when neither is known. */
    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "beluga");
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "beluga");
    }

    /**
     * The native library of this platform as a file in {@code dir} (created if needed), copied from sqlite-jdbc's jar
     * unless a file of that name and of the expected size is already there.
     *
     * @throws IOException when this platform has no library in the jar or the file cannot be written
     */
    static Path cached(Path dir) throws IOException {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        URL url = SQLiteJDBCLoader.class.getResource(resource);
        if (url == null) throw new IOException("no native library " + resource + " in sqlite-jdbc");
        URLConnection conn = url.openConnection();
        conn.setUseCaches(false); // a cached connection would share (and close) the class loader's open jar
        long size;
        String id;
        if (conn instanceof JarURLConnection jar) {
            ZipEntry entry = jar.getJarEntry();
            size = entry.getSize();
            id = Long.toHexString(entry.getCrc());
        } else {
            size = conn.getContentLengthLong();
            id = "s" + size;
        }
        if (size < 0) throw new IOException("unknown size of " + url);
        String platform = resource.substring(resource.indexOf("/native/") + "/native/".length(), resource.lastIndexOf('/'))
            .replace('/', '-');
        String stem = LibraryLoaderUtil.getNativeLibName();
        int dot = stem.lastIndexOf('.');
        String name = stem.substring(0, dot) + "-" + SQLiteJDBCLoader.getVersion() + "-" + platform + "-" + id + stem.substring(dot);
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == size) return target;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, name + ".", ".tmp");
        try {
            try (InputStream in = conn.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.size(tmp) != size) throw new IOException("short copy of " + url + ": " + Files.size(tmp) + " of " + size + " bytes");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
