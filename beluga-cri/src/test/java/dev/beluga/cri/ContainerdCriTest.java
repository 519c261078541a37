package dev.beluga.cri;

import dev.beluga.cri.v1.RuntimeCondition;
import dev.beluga.cri.v1.StatusResponse;
import dev.beluga.cri.v1.VersionResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Against a real containerd (needs root, and the containerd and runc packages; CI has both): Beluga starts the daemon
 * with its generated config in a temporary node directory (host network namespace), talks CRI to it over the unix
 * socket and stops it. Skipped, with the reason, only when not root or the binaries are missing.
 */
class ContainerdCriTest {
    private Path base;
    private ContainerdProcess containerd;

    @BeforeEach
    void requireRootAndContainerd() throws IOException {
        long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        assumeTrue(uid == 0, "ContainerdCriTest needs root (containerd mounts and creates cgroups); running as uid " + uid);
        List<String> missing = ContainerdProcess.missingBinaries();
        assumeTrue(missing.isEmpty(),
                "ContainerdCriTest needs " + missing + " on the PATH: " + ContainerdProcess.PACKAGES_HINT);
        base = Files.createTempDirectory("beluga-cri-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (containerd != null) {
                containerd.stop(Duration.ofSeconds(10));
            }
        } finally {
            if (base != null) {
                unmountUnder(base);
                deleteRecursively(base);
            }
        }
    }

    @Test
    void containerdServesCriOnItsSocket() throws Exception {
        ContainerdConfig config = ContainerdConfig.builder(base.resolve("node")).build();
        long t0 = System.nanoTime();
        containerd = ContainerdProcess.builder(config).start();
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);

        try (CriClient cri = containerd.newClient()) {
            VersionResponse v = cri.version();
            System.out.printf("containerd ready in %d ms: version=%s runtime=%s %s api=%s%n", startup.toMillis(),
                    v.getVersion(), v.getRuntimeName(), v.getRuntimeVersion(), v.getRuntimeApiVersion());
            assertThat(v.getRuntimeName()).isEqualTo("containerd");
            assertThat(v.getRuntimeApiVersion()).isEqualTo("v1");
            assertThat(v.getRuntimeVersion()).matches("v?\\d+\\.\\d+.*");
            assertThat(containerd.version()).isEqualTo(v);

            StatusResponse status = cri.status(false);
            Map<String, RuntimeCondition> conditions = status.getStatus().getConditionsList().stream()
                    .collect(Collectors.toMap(RuntimeCondition::getType, c -> c));
            System.out.println("status conditions: " + conditions.values().stream()
                    .map(c -> c.getType() + "=" + c.getStatus() + (c.getReason().isEmpty() ? "" : " (" + c.getReason() + ": "
                            + c.getMessage() + ")"))
                    .toList());
            assertThat(conditions).containsKeys("RuntimeReady", "NetworkReady");
            assertThat(conditions.get("RuntimeReady").getStatus()).isTrue();
            // no CNI config in the node's (empty) net.d: the network is not ready, and the runtime says why
            assertThat(conditions.get("NetworkReady").getStatus()).isFalse();
            assertThat(conditions.get("NetworkReady").getReason()).isNotEmpty();

            assertThat(cri.listImages(null)).isEmpty();
            assertThat(cri.listPodSandbox(null)).isEmpty();
            assertThat(cri.listContainers(null)).isEmpty();
            assertThat(cri.imageStatus("docker.io/library/busybox:absent")).isEmpty();
            assertThatThrownBy(() -> cri.podSandboxStatus("0123456789abcdef", false))
                    .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isNotFound()).isTrue());
            cri.removePodSandbox("0123456789abcdef"); // idempotent: absent is not an error
        }

        // a second daemon for the same node is refused, never adopted or started beside the first
        assertThatThrownBy(() -> ContainerdProcess.builder(config).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already serves " + config.socket());
        assertThat(containerd.isAlive()).isTrue();

        // the daemon uses the node directory, not the machine-wide defaults
        assertThat(config.root().resolve("io.containerd.metadata.v1.bolt")).isDirectory();
        assertThat(config.socket()).exists();

        long pid = containerd.pid();
        ContainerdProcess.Exit exit = containerd.stop(Duration.ofSeconds(10));
        System.out.println("containerd stopped: " + exit);
        assertThat(exit.killed()).as("containerd exited on SIGTERM").isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(containerd.isAlive()).isFalse();
    }

    @Test
    void containerdRunsInsideANetworkNamespace() throws Exception {
        // a persistent network namespace bound to a file in the temp dir (unmounted by cleanUp)
        Path netns = Files.createFile(base.resolve("netns"));
        Process unshare = new ProcessBuilder("unshare", "--net=" + netns, "true").inheritIO().start();
        assertThat(unshare.waitFor(10, TimeUnit.SECONDS) && unshare.exitValue() == 0).as("unshare --net=FILE").isTrue();

        ContainerdConfig config = ContainerdConfig.builder(base.resolve("node")).build();
        containerd = ContainerdProcess.builder(config).netns(netns).start();
        try (CriClient cri = containerd.newClient()) {
            assertThat(cri.version().getRuntimeName()).isEqualTo("containerd");
            assertThat(cri.status(false).getStatus().getConditionsList())
                    .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("RuntimeReady=true"));
        }
        // nsenter exec'd containerd in place: the PID held is containerd's, and it is in the other namespace
        Path exe = Files.readSymbolicLink(Path.of("/proc/" + containerd.pid() + "/exe"));
        assertThat(exe.getFileName().toString()).isEqualTo("containerd");
        Object daemonNs = Files.getAttribute(Path.of("/proc/" + containerd.pid() + "/ns/net"), "unix:ino");
        assertThat(daemonNs).isEqualTo(Files.getAttribute(netns, "unix:ino"))
                .isNotEqualTo(Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino"));
        assertThat(containerd.stop(Duration.ofSeconds(10)).killed()).isFalse();
    }

    /**
     * Lazily unmounts whatever is mounted under {@code dir}, deepest first (the test's netns file; containerd itself
     * leaves none).
     */
    private static void unmountUnder(Path dir) throws IOException, InterruptedException {
        String prefix = dir.toRealPath() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            String mountPoint = f[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                    .replace("\\134", "\\");
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
