package dev.beluga.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The server's data directory ({@code --data-dir}): created on first start and marked as Beluga's with a
 * {@code .beluga} file. A non-empty directory without the mark is refused, so that Beluga never writes into (or
 * over) a directory that belongs to something else.
 */
final class DataDir {
    static final String MARK = ".beluga";

    private DataDir() {
    }

    /** The default: {@code /var/lib/beluga} as root, {@code ~/.beluga} otherwise (as k3s does with its dirs). */
    static Path defaultPath() {
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/beluga")
            : Path.of(System.getProperty("user.home"), ".beluga");
    }

    /** Checks and, if new, initialises the directory. */
    static Path prepare(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IOException(abs + " exists and is not a directory");
        if (Files.isDirectory(abs) && !Files.exists(abs.resolve(MARK))) {
            List<String> present;
            try (Stream<Path> s = Files.list(abs)) {
                present = s.map(p -> p.getFileName().toString()).sorted().limit(5).toList();
            }
            if (!present.isEmpty())
                throw new IOException(abs + " is not a Beluga data directory (it holds " + present + " and no "
                    + MARK + " mark); refusing to use it. Choose an empty or new --data-dir.");
        }
        Files.createDirectories(abs);
        Path mark = abs.resolve(MARK);
        if (!Files.exists(mark)) Files.writeString(mark, "Beluga data directory; do not delete.\n");
        return abs;
    }
}
