package dev.beluga.agent.images;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the node's built-in images as OCI archives into a cache directory ({@code <dataDir>/images/}), from the
 * host's Debian packages, without any registry:
 *
 * <ul>
 *   <li>{@code pause.tar}: {@value #PAUSE_IMAGE}, the sandbox image. One file, {@code /pause}, Beluga's own pause
 *       program compiled with {@code gcc -Os -static -s} (packages gcc, libc6-dev); entrypoint {@code ["/pause"]}.
 *   <li>{@code busybox.tar}: {@value #BUSYBOX_IMAGE} and {@value #BUSYBOX_LATEST}. {@code /bin/busybox} copied from
 *       the host's busybox-static, a symlink in {@code /bin} for each applet it lists, {@code /etc/passwd} and
 *       {@code /etc/group} (root, nobody), {@code /root} (0700), {@code /tmp} (1777), {@code /var}; cmd
 *       {@code ["sh"]}, {@value ImageConfig#PATH_ENV}.
 * </ul>
 *
 * <p>Caching: beside each archive, {@code <archive>.inputs} lists what the archive was built from (the recipe
 * version, names, the digests of pause.c and libc.a and gcc's version line, or the digest of the busybox binary) and
 * the archive's own digest. A call reuses the archive when its inputs are unchanged and the file still has that
 * digest; otherwise it rebuilds. Identical inputs give a byte-identical archive, so a rebuild (or another process
 * building concurrently into the same directory) changes nothing for containerd.
 *
 * <p>Thread-safety: the methods of one instance are serialised; files are written to temporary names and renamed, so
 * readers never see a partial archive.
 */
public final class BuiltinImages {
    private static final Logger log = LoggerFactory.getLogger(BuiltinImages.class);

    /** The sandbox (pause) image; give it to {@code ContainerdConfig.Builder.sandboxImage}. */
    public static final String PAUSE_IMAGE = "docker.io/beluga/pause:3.10";
    public static final String BUSYBOX_IMAGE = "docker.io/library/busybox:1.35";
    public static final String BUSYBOX_LATEST = "docker.io/library/busybox:latest";
    public static final List<String> BUSYBOX_NAMES = List.of(BUSYBOX_IMAGE, BUSYBOX_LATEST);
    public static final String PAUSE_ARCHIVE = "pause.tar";
    public static final String BUSYBOX_ARCHIVE = "busybox.tar";
    /**
     * Version of the build recipes (the code in this class): part of every cache key. Increase it whenever a change
     * here changes the archives, so caches built by an older agent are rebuilt.
     */
    static final int RECIPE = 1;

    static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
    static final String GROUP = "root:x:0:\nnobody:x:65534:\n";

    private final Path cacheDir;
    private final Path busyboxPath;

    /** Builds into {@code cacheDir} (created when missing) from {@code /bin/busybox} and the gcc on the PATH. */
    public BuiltinImages(Path cacheDir) {
        this(cacheDir, HostBusybox.DEFAULT_PATH);
    }

    BuiltinImages(Path cacheDir, Path busyboxPath) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.busyboxPath = busyboxPath;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * What is missing on this host to build the built-in images, as problems naming Debian packages; empty when
     * everything is there. Does not build anything.
     */
    public static List<String> missingHostTools() throws InterruptedException {
        List<String> missing = new ArrayList<>();
        try {
            PauseCompiler.locate().toolchain();
        } catch (IOException e) {
            missing.add(e.getMessage());
        }
        try {
            HostBusybox.read(HostBusybox.DEFAULT_PATH);
        } catch (IOException e) {
            missing.add(e.getMessage());
        }
        return missing;
    }

    /** Both images: pause, then busybox. */
    public List<BuiltImage> all() throws IOException, InterruptedException {
        return List.of(pause(), busybox());
    }

    /**
     * {@code <cacheDir>/pause.tar}, built or reused.
     *
     * @throws MissingHostToolException when gcc or the static C library is missing
     */
    public synchronized BuiltImage pause() throws IOException, InterruptedException {
        PauseCompiler compiler = PauseCompiler.locate();
        List<String> inputs = new ArrayList<>();
        inputs.add("recipe " + RECIPE);
        inputs.add("names " + PAUSE_IMAGE);
        inputs.add("pause.c " + Sha256.of(PauseCompiler.source()));
        inputs.addAll(compiler.toolchain());
        return buildOrReuse(PAUSE_ARCHIVE, inputs, () -> {
            byte[] pause = compiler.compile();
            String architecture = ElfExecutable.inspect(pause, "pause").architecture();
            Layer layer = Layer.of(List.of(RootfsEntry.file("pause", 0755, pause)));
            ImageConfig config = new ImageConfig("linux", architecture, List.of("/pause"), List.of(), List.of(), "");
            return new OciArchive(List.of(PAUSE_IMAGE), config, layer);
        });
    }

    /**
     * {@code <cacheDir>/busybox.tar}, built or reused.
     *
     * @throws MissingHostToolException when {@code /bin/busybox} is missing or is not busybox-static's
     */
    public synchronized BuiltImage busybox() throws IOException, InterruptedException {
        HostBusybox busybox = HostBusybox.read(busyboxPath);
        List<String> inputs = new ArrayList<>();
        inputs.add("recipe " + RECIPE);
        inputs.add("names " + String.join(" ", BUSYBOX_NAMES));
        inputs.add("busybox " + Sha256.of(busybox.binary()));
        return buildOrReuse(BUSYBOX_ARCHIVE, inputs, () -> new OciArchive(BUSYBOX_NAMES,
                new ImageConfig("linux", busybox.architecture(), List.of(), List.of("sh"), List.of(ImageConfig.PATH_ENV),
                        ""),
                Layer.of(busyboxRootfs(busybox))));
    }

    static List<RootfsEntry> busyboxRootfs(HostBusybox busybox) {
        List<RootfsEntry> entries = new ArrayList<>();
        entries.add(RootfsEntry.directory("bin", 0755));
        entries.add(RootfsEntry.file("bin/busybox", 0755, busybox.binary()));
        for (String applet : busybox.applets()) {
            entries.add(RootfsEntry.symlink("bin/" + applet, "busybox"));
        }
        entries.add(RootfsEntry.directory("etc", 0755));
        entries.add(RootfsEntry.file("etc/passwd", 0644, PASSWD.getBytes(StandardCharsets.US_ASCII)));
        entries.add(RootfsEntry.file("etc/group", 0644, GROUP.getBytes(StandardCharsets.US_ASCII)));
        entries.add(RootfsEntry.directory("root", 0700));
        entries.add(RootfsEntry.directory("tmp", 01777));
        entries.add(RootfsEntry.directory("var", 0755));
        return entries;
    }

    /** Produces an archive; may fail. */
    @FunctionalInterface
    private interface Recipe {
        OciArchive build() throws IOException, InterruptedException;
    }

    private BuiltImage buildOrReuse(String fileName, List<String> inputs, Recipe recipe)
            throws IOException, InterruptedException {
        Path archive = cacheDir.resolve(fileName);
        Path inputsFile = cacheDir.resolve(fileName + ".inputs");
        Optional<BuiltImage> cached = CacheRecord.read(inputsFile, archive, inputs);
        if (cached.isPresent()) {
            log.debug("{}: inputs unchanged, reusing {}", fileName, archive);
            return cached.get();
        }
        long t0 = System.nanoTime();
        OciArchive oci = recipe.build();
        oci.writeTo(archive);
        CacheRecord.write(inputsFile, fileName, inputs, Sha256.of(archive), oci);
        log.info("built {} ({} bytes, image {}) in {} ms", archive, Files.size(archive), oci.configDigest(),
                (System.nanoTime() - t0) / 1_000_000);
        return new BuiltImage(oci.names(), archive, oci.configDigest(), oci.manifestDigest(), false);
    }

    /** The {@code <archive>.inputs} file: input lines, then the archive's, manifest's and config's digests. */
    static final class CacheRecord {
        private static final String ARCHIVE = "archive ";
        private static final String MANIFEST = "manifest ";
        private static final String CONFIG = "config ";

        private CacheRecord() {
        }

        static void write(Path file, String archiveName, List<String> inputs, String archiveDigest, OciArchive oci)
                throws IOException {
            List<String> lines = new ArrayList<>();
            lines.add("# What " + archiveName + " was built from (written by the Beluga node agent). It is rebuilt when");
            lines.add("# an input line changes or the archive's digest differs; delete this file to force a rebuild.");
            lines.addAll(inputs);
            lines.add(ARCHIVE + archiveDigest);
            lines.add(MANIFEST + oci.manifestDigest());
            lines.add(CONFIG + oci.configDigest());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.write(tmp, lines, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }

        /** The cached image when {@code file} records exactly {@code inputs} and the archive still has its digest. */
        static Optional<BuiltImage> read(Path file, Path archive, List<String> inputs) throws IOException {
            if (!Files.isRegularFile(file) || !Files.isRegularFile(archive)) {
                return Optional.empty();
            }
            List<String> recorded = new ArrayList<>();
            String archiveDigest = null;
            String manifest = null;
            String config = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("#")) {
                    continue;
                } else if (line.startsWith(ARCHIVE)) {
                    archiveDigest = line.substring(ARCHIVE.length());
                } else if (line.startsWith(MANIFEST)) {
                    manifest = line.substring(MANIFEST.length());
                } else if (line.startsWith(CONFIG)) {
                    config = line.substring(CONFIG.length());
                } else {
                    recorded.add(line);
                }
            }
            if (!recorded.equals(inputs) || archiveDigest == null || manifest == null || config == null
                    || !archiveDigest.equals(Sha256.of(archive))) {
                return Optional.empty();
            }
            List<String> names = inputs.stream().filter(l -> l.startsWith("names "))
                    .flatMap(l -> List.of(l.substring("names ".length()).split(" ")).stream()).toList();
            return Optional.of(new BuiltImage(names, archive, config, manifest, true));
        }
    }
}
