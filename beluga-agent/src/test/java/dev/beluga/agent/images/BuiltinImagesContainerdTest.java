package dev.beluga.agent.images;

import dev.beluga.cri.ContainerdConfig;
import dev.beluga.cri.ContainerdProcess;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.ContainerConfig;
import dev.beluga.cri.v1.ContainerMetadata;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.cri.v1.Image;
import dev.beluga.cri.v1.ImageSpec;
import dev.beluga.cri.v1.LinuxPodSandboxConfig;
import dev.beluga.cri.v1.LinuxSandboxSecurityContext;
import dev.beluga.cri.v1.NamespaceMode;
import dev.beluga.cri.v1.NamespaceOption;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxConfig;
import dev.beluga.cri.v1.PodSandboxMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built-in images against a real containerd (needs root, containerd, runc, gcc, libc6-dev and busybox-static;
 * scripts/install-deps installs them): Beluga builds both archives, imports them with ctr into a containerd it started
 * in a temporary node directory (sandbox image: the built pause image), finds them through CRI and runs a host-network
 * pod with busybox containers. Skipped, with the reason, only when not root or a tool is missing.
 *
 * <p>Cleanup, also on failure: every sandbox of this (private) containerd is stopped and removed, the daemon is
 * stopped (only the PID this test started), mounts under the temporary directory are unmounted, the pod's cgroup
 * parent is removed from every cgroup hierarchy, and the temporary directory is deleted.
 */
class BuiltinImagesContainerdTest {
    private Path base;
    private ContainerdProcess containerd;
    private final String cgroupParent = "/beluga-images-test-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void requireRootAndTools() throws Exception {
        long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        assumeTrue(uid == 0, "needs root (containerd mounts and creates cgroups); running as uid " + uid);
        List<String> missing = new ArrayList<>(ContainerdProcess.missingBinaries());
        if (ContainerdProcess.findOnPath("ctr").isEmpty()) {
            missing.add("ctr");
        }
        assumeTrue(missing.isEmpty(), "needs " + missing + " on the PATH: " + ContainerdProcess.PACKAGES_HINT);
        List<String> buildTools = BuiltinImages.missingHostTools();
        assumeTrue(buildTools.isEmpty(), "needs the image build tools: " + buildTools);
        base = Files.createTempDirectory("beluga-images-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (containerd != null && containerd.isAlive()) {
                try (CriClient cri = containerd.newClient()) {
                    for (PodSandbox sandbox : cri.listPodSandbox(null)) { // only this test's daemon: its own sandboxes
                        cri.stopPodSandbox(sandbox.getId());
                        cri.removePodSandbox(sandbox.getId());
                    }
                } finally {
                    containerd.stop(Duration.ofSeconds(10));
                }
            }
        } finally {
            if (base != null) {
                unmountUnder(base);
                removeCgroups(cgroupParent);
                deleteRecursively(base);
            }
        }
    }

    private ContainerdProcess startContainerd() throws Exception {
        ContainerdConfig config = ContainerdConfig.builder(base.resolve("node"))
                .sandboxImage(BuiltinImages.PAUSE_IMAGE).build();
        containerd = ContainerdProcess.builder(config).start();
        return containerd;
    }

    @Test
    void builtImagesImportAndRunAHostNetworkPod() throws Exception {
        long t0 = System.nanoTime();
        BuiltinImages builtin = new BuiltinImages(base.resolve("images"));
        BuiltImage pause = builtin.pause();
        long tPause = System.nanoTime();
        BuiltImage busybox = builtin.busybox();
        long tBuilt = System.nanoTime();
        System.out.printf("built pause.tar (%d bytes) in %d ms, busybox.tar (%d bytes) in %d ms%n",
                Files.size(pause.archive()), ms(t0, tPause), Files.size(busybox.archive()), ms(tPause, tBuilt));
        assertThat(builtin.all()).as("second call: cached").allSatisfy(i -> assertThat(i.reused()).isTrue());
        System.out.printf("cached archives checked and reused in %d ms%n", ms(tBuilt, System.nanoTime()));

        startContainerd();
        try (CriClient cri = containerd.newClient()) {
            ImageImporter importer = new ImageImporter(containerd.socket(), cri);
            long t1 = System.nanoTime();
            assertThat(importer.ensureImported(pause)).isTrue();
            long t2 = System.nanoTime();
            assertThat(importer.ensureImported(busybox)).isTrue();
            long t3 = System.nanoTime();
            System.out.printf("imported pause in %d ms, busybox in %d ms (ctr + CRI confirmation)%n",
                    ms(t1, t2), ms(t2, t3));
            assertThat(importer.ensureImported(pause)).as("already there: no second import").isFalse();
            assertThat(importer.ensureImported(busybox)).isFalse();

            for (BuiltImage built : List.of(pause, busybox)) {
                for (String name : built.names()) {
                    Image image = cri.imageStatus(name).orElseThrow(() -> new AssertionError(name + " not in CRI"));
                    System.out.printf("CRI ImageStatus %s: id=%s tags=%s digests=%s size=%d%n", name, image.getId(),
                            image.getRepoTagsList(), image.getRepoDigestsList(), image.getSize());
                    assertThat(image.getId()).isEqualTo(built.imageId());
                    assertThat(image.getRepoTagsList()).containsExactlyInAnyOrderElementsOf(built.names());
                    // containerd records repo digests only for pulled images (name@digest references)
                    assertThat(image.getRepoDigestsList()).isEmpty();
                }
            }
            assertThat(cri.imageStatus("docker.io/library/busybox:1.35")).isPresent();
            assertThat(cri.imageStatus("docker.io/library/busybox:latest")).isPresent();
            assertThat(cri.imageStatus("docker.io/beluga/pause:3.10")).isPresent();

            runHostNetworkPod(cri);
        }
    }

    private void runHostNetworkPod(CriClient cri) throws Exception {
        String uid = UUID.randomUUID().toString();
        Path logDir = Files.createDirectories(base.resolve("logs").resolve(uid));
        PodSandboxConfig sandboxConfig = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("images-test").setNamespace("default").setUid(uid))
                .setLogDirectory(logDir.toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent(cgroupParent)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
        long t0 = System.nanoTime();
        String sandbox = cri.runPodSandbox(sandboxConfig, null);
        long t1 = System.nanoTime();
        try {
            // the image's 1.35 name, its default PATH resolving "sh"
            ContainerRun hello = runToCompletion(cri, sandbox, sandboxConfig, "hello", BuiltinImages.BUSYBOX_IMAGE,
                    "echo hello-from-busybox");
            System.out.printf("sandbox ready in %d ms; hello ran in %d ms: exit %d, log %s: %s%n", ms(t0, t1),
                    hello.millis, hello.status.getExitCode(), hello.status.getLogPath(), hello.lines);
            assertThat(hello.status.getExitCode()).isZero();
            assertThat(hello.status.getLogPath()).isEqualTo(logDir.resolve("hello/0.log").toString());
            assertThat(hello.lines).containsExactly("hello-from-busybox");

            // the latest name; pause is PID 1 of the pod's PID namespace: an orphaned sleep becomes its child, and once
            // the sleep has ended no zombie remains (only its parent could reap it); users and modes of the rootfs
            ContainerRun inspect = runToCompletion(cri, sandbox, sandboxConfig, "inspect", BuiltinImages.BUSYBOX_LATEST,
                    "sh -c 'sleep 2 &'; sleep 0.5; ps -o pid,ppid,stat,comm; sleep 3; echo --; ps -o pid,ppid,stat,comm; id -un;"
                            + " stat -c '%a %n' /tmp /root");
            System.out.println("inspect: " + inspect.lines);
            assertThat(inspect.status.getExitCode()).isZero();
            int separator = inspect.lines.indexOf("--");
            assertThat(separator).isPositive();
            List<String> before = inspect.lines.subList(1, separator);
            List<String> after = inspect.lines.subList(separator + 2, inspect.lines.size() - 3);
            // the orphan may not have exec'd sleep yet at the first ps: it is then still called sh
            assertThat(before).anySatisfy(l -> assertThat(l).matches("\\s*1\\s+0\\s+\\S+\\s+pause"))
                    .anySatisfy(l -> assertThat(l).as("orphan re-parented to pause")
                            .matches("\\s*\\d+\\s+1\\s+\\S+\\s+(sleep|sh)"));
            assertThat(after).as("pause reaped the orphan: no sleep, no zombie")
                    .anySatisfy(l -> assertThat(l).matches("\\s*1\\s+0\\s+\\S+\\s+pause"))
                    .noneSatisfy(l -> assertThat(l).endsWith("sleep"))
                    .noneSatisfy(l -> assertThat(l.trim().split("\\s+")[2]).startsWith("Z"));
            assertThat(inspect.lines.subList(inspect.lines.size() - 3, inspect.lines.size()))
                    .containsExactly("root", "1777 /tmp", "700 /root");

            for (String id : List.of(hello.id, inspect.id)) {
                cri.stopContainer(id, Duration.ofSeconds(5));
                cri.removeContainer(id);
            }
            assertThat(cri.listContainers(null)).isEmpty();
        } finally {
            long t2 = System.nanoTime();
            cri.stopPodSandbox(sandbox);
            cri.removePodSandbox(sandbox);
            System.out.printf("sandbox stopped and removed in %d ms%n", ms(t2, System.nanoTime()));
        }
        assertThat(cri.listPodSandbox(null)).isEmpty();
    }

    private record ContainerRun(String id, ContainerStatus status, List<String> lines, long millis) {}

    /** Creates and starts {@code sh -c script}, waits until it exits, returns its status and its log's stdout lines. */
    private static ContainerRun runToCompletion(CriClient cri, String sandbox, PodSandboxConfig sandboxConfig, String name,
                                                String image, String script) throws Exception {
        long t0 = System.nanoTime();
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of("sh", "-c", script))
                .setLogPath(name + "/0.log")
                .build();
        String id = cri.createContainer(sandbox, config, sandboxConfig);
        cri.startContainer(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        ContainerStatus status;
        while ((status = cri.containerStatus(id, false).getStatus()).getState() != ContainerState.CONTAINER_EXITED) {
            assertThat(System.nanoTime()).as(name + " exits within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        long millis = ms(t0, System.nanoTime());
        return new ContainerRun(id, status, stdoutLines(Path.of(status.getLogPath())), millis);
    }

    /** The stdout lines of a CRI log file ({@code <time> <stream> <F|P> <text>} per line). */
    private static List<String> stdoutLines(Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ", 4);
            assertThat(f).as("CRI log line: " + line).hasSize(4);
            assertThat(f[2]).as("a full line, not a partial one").isEqualTo("F");
            if (f[1].equals("stdout")) {
                lines.add(f[3]);
            }
        }
        return lines;
    }

    @Test
    void importArchiveReportsTheNamesContainerdGave() throws Exception {
        startContainerd();
        Layer layer = Layer.of(List.of(RootfsEntry.file("hello.txt", 0644, "hi\n".getBytes(StandardCharsets.US_ASCII))));
        ImageConfig config = ImageConfig.linuxAmd64(List.of(), List.of("/hello.txt"), List.of());
        try (CriClient cri = containerd.newClient()) {
            ImageImporter importer = new ImageImporter(containerd.socket(), cri);

            // an OCI archive with full names (another registry than docker.io)
            List<String> names = List.of("example.com/beluga/tiny:1", "example.com/beluga/tiny:one");
            OciArchive oci = new OciArchive(names, config, layer);
            Path ociFile = base.resolve("tiny-oci.tar");
            oci.writeTo(ociFile);
            assertThat(importer.importArchive(ociFile)).isEqualTo(names);
            assertThat(cri.imageStatus("example.com/beluga/tiny:one").orElseThrow().getId()).isEqualTo(oci.configDigest());
            assertThat(importer.importArchive(ociFile)).as("importing again is fine").hasSize(2);

            // a docker-archive (docker save): short repository tags are normalised by containerd
            Path dockerFile = base.resolve("tiny-docker.tar");
            Files.write(dockerFile, dockerArchive(List.of("beluga-tiny:docker"), config, layer));
            assertThat(importer.importArchive(dockerFile)).containsExactly("docker.io/library/beluga-tiny:docker");
            assertThat(cri.imageStatus("beluga-tiny:docker")).as("CRI normalises the short name too").isPresent();

            // an OCI archive that names only tags: ctr invents import-<date>:<tag>, which pods cannot use
            Path tagsOnly = base.resolve("tiny-tags-only.tar");
            Files.write(tagsOnly, withoutContainerdNames(oci));
            assertThatThrownBy(() -> importer.importArchive(tagsOnly))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("import-")
                    .hasMessageContaining("only tags");

            assertThatThrownBy(() -> importer.importArchive(base.resolve("absent.tar")))
                    .hasMessageContaining("no such archive");
            Path garbage = Files.writeString(base.resolve("garbage.tar"), "not a tar");
            assertThatThrownBy(() -> importer.importArchive(garbage))
                    .isInstanceOf(IOException.class).hasMessageContaining("into containerd failed")
                    .hasMessageContaining("exited with 1");
        }
    }

    /** The archive {@code docker save} would write for a one-layer image: manifest.json, config, uncompressed layer. */
    private static byte[] dockerArchive(List<String> repoTags, ImageConfig config, Layer layer) throws IOException {
        byte[] layerTar = TarEntries.readGzipRaw(layer.blob());
        byte[] configJson = config.toJson(List.of(layer.diffId()));
        String configName = Sha256.hex(Sha256.of(configJson)) + ".json";
        String layerDir = Sha256.hex(layer.diffId());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("Config", configName);
        manifest.put("RepoTags", repoTags);
        manifest.put("Layers", List.of(layerDir + "/layer.tar"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReproducibleTar tar = new ReproducibleTar(out)) {
            tar.file(configName, 0644, configJson);
            tar.directory(layerDir, 0755);
            tar.file(layerDir + "/layer.tar", 0644, layerTar);
            tar.file("manifest.json", 0644, Json.write(List.of(manifest)));
        }
        return out.toByteArray();
    }

    /** {@code archive} with {@code io.containerd.image.name} removed from index.json (only the OCI tag remains). */
    private static byte[] withoutContainerdNames(OciArchive archive) throws Exception {
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        archive.writeTo(original);
        TarEntries entries = TarEntries.read(original.toByteArray());
        String index = new String(entries.bytes("index.json"), StandardCharsets.UTF_8)
                .replaceAll("\"" + OciArchive.CONTAINERD_NAME_ANNOTATION.replace(".", "\\.") + "\":\"[^\"]*\",", "");
        assertThat(index).doesNotContain(OciArchive.CONTAINERD_NAME_ANNOTATION).contains(OciArchive.REF_NAME_ANNOTATION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReproducibleTar tar = new ReproducibleTar(out)) {
            for (var e : entries.entries()) {
                String name = e.getName();
                if (e.isDirectory()) {
                    tar.directory(name.substring(0, name.length() - 1), 0755);
                } else {
                    tar.file(name, 0644, name.equals("index.json") ? index.getBytes(StandardCharsets.UTF_8)
                            : entries.bytes(name));
                }
            }
        }
        return out.toByteArray();
    }

    private static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /** Removes the directories named {@code parent} in every cgroup hierarchy, deepest first (only empty ones go). */
    private static void removeCgroups(String parent) throws IOException {
        List<Path> roots = new ArrayList<>();
        Path cgroupRoot = Path.of("/sys/fs/cgroup");
        roots.add(cgroupRoot.resolve(parent.substring(1))); // cgroup v2 (unified at the top)
        try (Stream<Path> hierarchies = Files.list(cgroupRoot)) {
            hierarchies.filter(Files::isDirectory).forEach(h -> roots.add(h.resolve(parent.substring(1))));
        }
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> walk = Files.walk(root)) {
                dirs = walk.filter(Files::isDirectory)
                        .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
            }
            for (Path dir : dirs) {
                try {
                    Files.delete(dir);
                    System.out.println("removed cgroup " + dir);
                } catch (IOException e) {
                    System.out.println("cannot remove cgroup " + dir + ": " + e);
                }
            }
        }
    }

    /** Lazily unmounts whatever is still mounted under {@code dir}, deepest first. */
    private static void unmountUnder(Path dir) throws IOException, InterruptedException {
        String prefix = dir.toRealPath() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String mountPoint = line.split(" ")[4].replace("\\040", " ").replace("\\011", "\t")
                    .replace("\\012", "\n").replace("\\134", "\\");
            if (mountPoint.startsWith(prefix)) {
                mounts.add(mountPoint);
            }
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            System.out.println("unmounting " + m);
            Process p = new ProcessBuilder("umount", "-l", m).inheritIO().start();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
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
