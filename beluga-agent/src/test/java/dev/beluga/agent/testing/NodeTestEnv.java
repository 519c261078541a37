package dev.beluga.agent.testing;

import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.images.ImageImporter;
import dev.beluga.cri.ContainerdConfig;
import dev.beluga.cri.ContainerdProcess;
import dev.beluga.cri.CriClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real node runtime for tests: a network namespace the test creates (a file bound by {@code unshare --net=FILE}),
 * a containerd started inside it with its own directories, and the built-in images (pause, busybox) imported.
 * {@link #close()} stops containerd (only the PID it started), unmounts what was mounted under the directory and
 * deletes it — also after a failure. Skips the test (JUnit assumption) when not root or when containerd, runc, the
 * CNI plugins, gcc or busybox are missing.
 */
public final class NodeTestEnv implements AutoCloseable {
    public final Path dir;
    public final Path netns;
    public final ContainerdProcess containerd;
    public final CriClient cri;

    private NodeTestEnv(Path dir, Path netns, ContainerdProcess containerd, CriClient cri) {
        this.dir = dir;
        this.netns = netns;
        this.containerd = containerd;
        this.cri = cri;
    }

    /** Skips unless the machine can run real pods. */
    public static void assumeNodeCapable() throws Exception {
        long uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "real pods need root; running as uid " + uid);
        List<String> missing = new ArrayList<>(ContainerdProcess.missingBinaries());
        if (!Files.isExecutable(Path.of("/usr/lib/cni/bridge"))) missing.add("containernetworking-plugins");
        missing.addAll(BuiltinImages.missingHostTools());
        assumeTrue(missing.isEmpty(), "missing " + missing + " (scripts/install-deps installs them)");
    }

    public static NodeTestEnv start(Path imageCache) throws Exception {
        assumeNodeCapable();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "beluga-node-");
        Path netns = null;
        ContainerdProcess containerd = null;
        try {
            netns = Files.createFile(dir.resolve("netns"));
            run("unshare", "--net=" + netns, "true");
            run("nsenter", "--net=" + netns, "ip", "link", "set", "lo", "up");
            ContainerdConfig config = ContainerdConfig.builder(dir.resolve("node")).sandboxImage(BuiltinImages.PAUSE_IMAGE).build();
            containerd = ContainerdProcess.builder(config).netns(netns).start();
            CriClient cri = containerd.newClient();
            BuiltinImages images = new BuiltinImages(imageCache);
            ImageImporter importer = new ImageImporter(containerd.socket(), cri);
            importer.ensureImported(images.pause());
            importer.ensureImported(images.busybox());
            return new NodeTestEnv(dir, netns, containerd, cri);
        } catch (Exception | Error e) {
            if (containerd != null) containerd.close();
            cleanupDir(dir);
            throw e;
        }
    }

    public Path socket() {
        return containerd.socket();
    }

    public Path cniConfDir() {
        return containerd.config().cniConfDir();
    }

    /** Runs a command inside the node's network namespace; returns its output (fails on a non-zero exit). */
    public String inNetns(String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + netns));
        full.addAll(List.of(cmd));
        return run(full.toArray(String[]::new));
    }

    @Override
    public void close() {
        try {
            cri.close();
        } finally {
            containerd.close();
            cleanupDir(dir);
        }
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        return out;
    }

    /** Deletes a directory tree (no unmounting). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Lazily unmounts everything under {@code dir} (deepest first), then deletes it. */
    static void cleanupDir(Path dir) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mp = line.split(" ")[4];
                if (mp.startsWith(dir.toString())) mounts.add(mp);
            }
            mounts.sort(Comparator.comparingInt(String::length).reversed());
            for (String m : mounts) new ProcessBuilder("umount", "-l", m).start().waitFor(10, TimeUnit.SECONDS);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException ignored) {
            // best effort
        }
    }
}
