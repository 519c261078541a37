package dev.beluga.agent.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.beluga.cri.ContainerdProcess;

/**
 * Compiles Beluga's pause program ({@code pause.c}, a resource of this package) with the host's gcc into a static,
 * stripped executable: {@code gcc -Os -static -s -o pause pause.c}. The result is byte-identical for the same source,
 * gcc and static C library (gcc and ld add no timestamps; the build ID is a hash of the content).
 *
 * <p>Stateless apart from the gcc path; safe to use from several threads (each compilation has its own temporary
 * directory, removed afterwards).
 */
final class PauseCompiler {
    static final String SOURCE_RESOURCE = "pause.c";
    static final List<String> PACKAGES = List.of("gcc", "libc6-dev");
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path gcc;

    PauseCompiler(Path gcc) {
        this.gcc = gcc;
    }

    /**
     * The compiler found on the PATH ({@code gcc}).
     *
     * @throws MissingHostToolException when there is none
     */
    static PauseCompiler locate() throws MissingHostToolException {
        Optional<Path> gcc = ContainerdProcess.findOnPath("gcc");
        if (gcc.isEmpty()) {
            throw new MissingHostToolException("gcc is not installed (needed to build the pause image)", PACKAGES);
        }
        return new PauseCompiler(gcc.get());
    }

    /** The source code compiled, from this package's resources. */
    static byte[] source() {
        try (InputStream in = PauseCompiler.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SOURCE_RESOURCE + " missing from the Beluga agent's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + SOURCE_RESOURCE, e);
        }
    }

    /**
     * What identifies the toolchain, one {@code key value} line each: gcc's version line and the digest of the static C
     * library it links. Part of the pause image's cache key.
     *
     * @throws MissingHostToolException when gcc does not run or finds no static C library (libc6-dev missing)
     */
    List<String> toolchain() throws IOException, InterruptedException {
        Command.Result version = Command.run(List.of(gcc.toString(), "--version"), null, TIMEOUT);
        if (!version.succeeded() || version.stdout().isBlank()) {
            throw new MissingHostToolException(gcc + " does not work (" + version.describe() + ")", PACKAGES);
        }
        return List.of("gcc " + version.stdout().lines().findFirst().orElseThrow().strip(),
                "libc.a " + Sha256.of(staticLibc()));
    }

    private Path staticLibc() throws IOException, InterruptedException {
        Command.Result r = Command.run(List.of(gcc.toString(), "-print-file-name=libc.a"), null, TIMEOUT);
        Path libc = Path.of(r.stdout().strip());
        // gcc echoes the bare name when it does not find the file
        if (!r.succeeded() || !libc.isAbsolute() || !Files.isRegularFile(libc)) {
            throw new MissingHostToolException("gcc finds no static C library (libc.a), needed for a static pause"
                    + " binary", List.of("libc6-dev"));
        }
        return libc;
    }

    /**
     * Compiles the pause program and returns the executable.
     *
     * @throws IOException when gcc fails (its stderr is in the message) or its output is not a static executable
     */
    byte[] compile() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("beluga-pause-build-");
        try {
            Files.write(dir.resolve("pause.c"), source());
            List<String> argv = List.of(gcc.toString(), "-Os", "-static", "-s", "-o", "pause", "pause.c");
            Command.Result r = Command.run(argv, dir, TIMEOUT);
            if (!r.succeeded()) {
                throw new IOException("compiling pause.c failed: " + r.describe() + " (needs the Debian packages "
                        + String.join(" and ", PACKAGES) + ")");
            }
            byte[] binary = Files.readAllBytes(dir.resolve("pause"));
            if (ElfExecutable.inspect(binary, "the compiled pause program").dynamic()) {
                throw new IOException("gcc -static produced a dynamically linked pause program");
            }
            return binary;
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
