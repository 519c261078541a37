package dev.beluga.agent.images;

import dev.beluga.cri.ContainerdProcess;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.Image;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports image archives into one containerd, in the CRI plugin's namespace ({@value #NAMESPACE}), with containerd's
 * own client: {@code ctr --address <socket> --namespace k8s.io images import --snapshotter overlayfs <file>}. ctr reads
 * OCI archives (image layout tars) and docker-archives ({@code docker save}); it stores the blobs, names the images
 * and unpacks them for the snapshotter, so a pod can start from them at once. An import then is confirmed through CRI
 * ({@link CriClient#imageStatus}) for every name, which also waits for the CRI plugin's image cache to catch up.
 *
 * <p>Contract:
 * <ul>
 *   <li>Importing is idempotent: importing the same archive again re-points the same names at the same content.
 *       {@link #ensureImported} skips ctr when CRI already reports every name with the expected image ID.
 *   <li>ctr runs as a child process with a bounded wait ({@link #DEFAULT_IMPORT_TIMEOUT} unless configured); on
 *       failure or timeout an {@link IOException} carries its stderr. CRI failures (daemon unreachable) surface as
 *       the client's unchecked {@code CriException}.
 *   <li>Thread-safe, holding no state besides its configuration; the {@link CriClient} is the caller's and is not
 *       closed here.
 * </ul>
 */
public final class ImageImporter {
    private static final Logger log = LoggerFactory.getLogger(ImageImporter.class);

    /** The containerd namespace the CRI plugin keeps its images in. */
    public static final String NAMESPACE = "k8s.io";
    /** The snapshotter the images are unpacked for: the one {@code ContainerdConfig} gives the CRI plugin. */
    public static final String SNAPSHOTTER = "overlayfs";
    public static final Duration DEFAULT_IMPORT_TIMEOUT = Duration.ofMinutes(5);
    /** How long an imported name may take to appear in CRI (its image cache follows containerd's events). */
    public static final Duration CRI_CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    /** ctr's report of each image it imported and unpacked: {@code unpacking NAME (sha256:...)...done}. */
    private static final Pattern UNPACKED = Pattern.compile("^unpacking (\\S+) \\((sha256:[0-9a-f]{64})\\)\\.\\.\\.done$",
            Pattern.MULTILINE);

    private final Path socket;
    private final CriClient cri;
    private final Duration importTimeout;
    private final Path ctr;

    /** An importer for the containerd serving {@code socket}, confirming through {@code cri} (the same daemon). */
    public ImageImporter(Path socket, CriClient cri) throws MissingHostToolException {
        this(socket, cri, DEFAULT_IMPORT_TIMEOUT);
    }

    /**
     * @param importTimeout how long one {@code ctr images import} may run before it is killed
     * @throws MissingHostToolException when {@code ctr} (Debian package containerd) is not on the PATH
     */
    public ImageImporter(Path socket, CriClient cri, Duration importTimeout) throws MissingHostToolException {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.cri = Objects.requireNonNull(cri, "cri");
        this.importTimeout = Objects.requireNonNull(importTimeout, "importTimeout");
        this.ctr = ContainerdProcess.findOnPath("ctr").orElseThrow(() -> new MissingHostToolException(
                "ctr (containerd's client) is not installed", List.of("containerd")));
    }

    /**
     * Makes sure containerd has {@code image} under all its names: imports the archive unless CRI already reports
     * every name with {@link BuiltImage#imageId()}. Returns whether it imported.
     *
     * @throws IOException when ctr fails, or when afterwards a name is missing in CRI or has another image ID
     */
    public boolean ensureImported(BuiltImage image) throws IOException, InterruptedException {
        if (image.names().stream().allMatch(name -> hasImage(name, image.imageId()))) {
            log.debug("{} already present with ID {}", image.names(), image.imageId());
            return false;
        }
        long t0 = System.nanoTime();
        List<String> reported = runImport(image.archive());
        if (!reported.containsAll(image.names())) {
            throw new IOException("ctr imported " + reported + " from " + image.archive() + ", expected " + image.names());
        }
        for (String name : image.names()) {
            Image found = awaitInCri(name);
            if (!found.getId().equals(image.imageId())) {
                throw new IOException("after importing " + image.archive() + ", CRI reports " + name + " as image "
                        + found.getId() + ", not " + image.imageId());
            }
        }
        log.info("imported {} from {} in {} ms", image.names(), image.archive(), (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /**
     * Imports a user's archive (an OCI archive or a docker-archive) and returns the names containerd gave its images,
     * each confirmed through CRI. Names come from the archive: {@code docker save}'s repository tags (normalised, e.g.
     * {@code busybox:1.36} becomes {@code docker.io/library/busybox:1.36}) or an OCI index's
     * {@code io.containerd.image.name} annotations, or {@code org.opencontainers.image.ref.name} annotations that hold
     * full names.
     *
     * @throws IOException when ctr fails; when the archive names no image; or when an image got a name a pod cannot
     *                     refer to (an OCI archive that names only tags, which ctr imports as {@code import-<date>:<tag>}
     *                     — the image then stays in containerd under that name)
     */
    public List<String> importArchive(Path archive) throws IOException, InterruptedException {
        if (!Files.isRegularFile(archive)) {
            throw new IOException("no such archive: " + archive);
        }
        List<String> names = runImport(archive);
        if (names.isEmpty()) {
            throw new IOException("ctr imported no named image from " + archive
                    + " (a docker-archive without RepoTags, or an OCI index without name annotations?)");
        }
        List<String> unusable = new ArrayList<>();
        for (String name : names) {
            try {
                ImageName.parse(name);
            } catch (IllegalArgumentException e) {
                unusable.add(name);
            }
        }
        if (!unusable.isEmpty()) {
            throw new IOException("containerd named images from " + archive + " " + unusable + ", which pods cannot refer"
                    + " to: the archive's index.json gives only tags (org.opencontainers.image.ref.name). Write the"
                    + " archive with full names (e.g. skopeo copy ... oci-archive:FILE:docker.io/library/NAME:TAG, or"
                    + " docker save NAME:TAG) and import it again; remove these with ctr -n " + NAMESPACE
                    + " images rm");
        }
        for (String name : names) {
            awaitInCri(name);
        }
        return names;
    }

    /** Runs ctr's import; returns the names it reports, in its order, without repeats. */
    private List<String> runImport(Path archive) throws IOException, InterruptedException {
        List<String> argv = List.of(ctr.toString(), "--address", socket.toString(), "--namespace", NAMESPACE,
                "images", "import", "--snapshotter", SNAPSHOTTER, archive.toAbsolutePath().toString());
        Command.Result r = Command.run(argv, null, importTimeout);
        if (!r.succeeded()) {
            throw new IOException("importing " + archive + " into containerd failed: " + r.describe());
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = UNPACKED.matcher(r.stdout());
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    private boolean hasImage(String name, String imageId) {
        return cri.imageStatus(name).map(i -> i.getId().equals(imageId)).orElse(false);
    }

    /** The image CRI reports for {@code name}, polling until {@link #CRI_CONFIRM_TIMEOUT}. */
    private Image awaitInCri(String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CRI_CONFIRM_TIMEOUT.toNanos();
        while (true) {
            Optional<Image> image = cri.imageStatus(name);
            if (image.isPresent()) {
                return image.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("ctr imported " + name + " but CRI (" + socket + ") does not report it after "
                        + CRI_CONFIRM_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }
}
