package dev.beluga.store.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** SQLite's native library is copied once into a cache directory and loaded from there, not extracted at every start. */
class SqliteNativeLibraryTest {
    @TempDir
    Path tmp;

    private static byte[] libraryInJar() throws Exception {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
            LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
            assertThat(in).as("sqlite-jdbc has a library for this platform").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void copiedOnceUnderANameOfItsVersionAndContentsAndReused() throws Exception {
        Path dir = tmp.resolve("cache");
        Path lib = SqliteNativeLibrary.cached(dir);
        assertThat(lib.getParent()).isEqualTo(dir);
        assertThat(lib.getFileName().toString()).contains(SQLiteJDBCLoader.getVersion());
        assertThat(Files.readAllBytes(lib)).isEqualTo(libraryInJar());

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(lib, old);
        assertThat(SqliteNativeLibrary.cached(dir)).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(lib)).as("not written again").isEqualTo(old);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("no temporary file left").containsExactly(lib);
        }
    }

    @Test
    void aTruncatedCopyIsReplaced() throws Exception {
        Path dir = tmp.resolve("cache");
        Path lib = SqliteNativeLibrary.cached(dir);
        Files.write(lib, new byte[100]);
        assertThat(SqliteNativeLibrary.cached(dir)).isEqualTo(lib);
        assertThat(Files.readAllBytes(lib)).isEqualTo(libraryInJar());
    }

    /**
     * In a fresh JVM (sqlite-jdbc loads its library once per process): opening a store loads the library from the
     * cache under {@code XDG_CACHE_HOME} and extracts nothing into the temporary directory.
     */
    @Test
    void aStoreLoadsTheLibraryFromTheCacheAndExtractsNothing() throws Exception {
        Path cacheHome = Files.createDirectories(tmp.resolve("xdg"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=none",
            "-Djava.io.tmpdir=" + javaTmp, OpenStore.class.getName(), tmp.resolve("store.db").toString());
        pb.environment().put("XDG_CACHE_HOME", cacheHome.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), UTF_8).strip();
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        assertThat(p.exitValue()).isZero();
        Path lib = cacheHome.resolve("beluga").resolve(out);
        assertThat(out).startsWith("libsqlitejdbc-");
        assertThat(Files.readAllBytes(lib)).isEqualTo(libraryInJar());
        try (Stream<Path> files = Files.list(javaTmp)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("sqlite-")).toList()).isEmpty();
        }
    }

    /** The child of {@link #aStoreLoadsTheLibraryFromTheCacheAndExtractsNothing}: prints the library file's name. */
    public static final class OpenStore {
        public static void main(String[] args) throws Exception {
            try (SqliteBackend backend = SqliteBackend.create(Path.of(args[0]), "native-library-test")) {
                if (!SQLiteJDBCLoader.isNativeMode()) throw new IllegalStateException("SQLite is not in native mode");
                System.out.println(System.getProperty("org.sqlite.lib.name"));
            }
        }
    }
}
