package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static dev.beluga.agent.volumes.TestPods.exists;
import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * emptyDir on disk and in memory (tmpfs, only as root: skipped otherwise), and teardown: mounts undone, pod
 * directories removed, nothing outside the pod directory touched, idempotent. Every tmpfs mounted under the test's
 * directory is unmounted after each test, also when an assertion failed.
 */
class EmptyDirAndTearDownTest {
    @TempDir
    Path root;
    @TempDir
    Path host;

    private final FakeObjectSource objects = new FakeObjectSource();
    private final SystemMounter mounter = new SystemMounter();

    private PodVolumes volumes() {
        return new PodVolumes(root, objects, java.util.Optional.empty(), () -> TestPods.ALLOCATABLE, mounter, new AtomicWriter());
    }

    @AfterEach
    void unmountLeftovers() throws Exception {
        for (Path mp : mounter.mountPointsUnder(root)) {
            try {
                mounter.unmount(mp);
            } catch (Exception e) {
                new ProcessBuilder("umount", "-l", mp.toString()).start().waitFor();
            }
        }
    }

    private static boolean isRoot() throws Exception {
        return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip());
    }

    @Test
    void diskEmptyDirIsAWorldWritableDirectoryThatKeepsItsContent() throws Exception {
        PodVolumes v = volumes();
        Pod pod = pod("u1").editSpec().addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build();
        MountedVolume mv = v.setUp(pod).get("scratch");
        Path dir = root.resolve("pods/u1/volumes/kubernetes.io~empty-dir/scratch");
        assertThat(mv).isEqualTo(new MountedVolume("scratch", VolumeKind.EMPTY_DIR, dir, false));
        assertThat(FileModes.get(dir)).isEqualTo(0777);
        Files.writeString(dir.resolve("state"), "kept");
        v.setUp(pod);
        assertThat(Files.readString(dir.resolve("state"))).isEqualTo("kept");
        assertThat(mounter.isMountPoint(dir)).isFalse();
    }

    @Test
    void unknownMediumIsRejected() {
        Pod pod = pod("u1").editSpec().addNewVolume().withName("x").withNewEmptyDir().withMedium("HugePages").endEmptyDir().endVolume().endSpec().build();
        assertThatThrownBy(() -> volumes().setUp(pod)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures()).containsExactly(Map.entry("x", "unknown storage medium \"HugePages\"")));
    }

    @Test
    void sizeLimitIsConvertedToBytes() {
        assertThat(EmptyDirs.sizeBytes(new Quantity("64Mi"))).isEqualTo(OptionalLong.of(67108864));
        assertThat(EmptyDirs.sizeBytes(new Quantity("1G"))).isEqualTo(OptionalLong.of(1_000_000_000));
        assertThat(EmptyDirs.sizeBytes(null)).isEmpty();
        assertThat(EmptyDirs.sizeBytes(new Quantity("0"))).isEmpty();
    }

    @Test
    void memoryEmptyDirIsASizedTmpfsMountedOnceAndUnmountedAtTearDown() throws Exception {
        assumeTrue(isRoot(), "mounting tmpfs needs root");
        PodVolumes v = volumes();
        Pod pod = pod("u1").editSpec().addNewVolume().withName("shm").withNewEmptyDir().withMedium("Memory")
            .withSizeLimit(new Quantity("2Mi")).endEmptyDir().endVolume().endSpec().build();
        Path dir = v.setUp(pod).get("shm").hostPath();
        assertThat(mounter.isMountPoint(dir)).isTrue();
        assertThat(Files.getFileStore(dir).type()).isEqualTo("tmpfs");
        assertThat(Files.getFileStore(dir).getTotalSpace()).isEqualTo(2 * 1024 * 1024);
        assertThat(FileModes.get(dir)).isEqualTo(0777);
        Files.writeString(dir.resolve("in-memory"), "x");
        v.setUp(pod); // idempotent: not mounted twice, content kept
        assertThat(mounter.mountPointsUnder(dir)).containsExactly(dir.toRealPath());
        assertThat(Files.readString(dir.resolve("in-memory"))).isEqualTo("x");

        v.tearDown("u1");
        assertThat(mounter.mountPointsUnder(root)).isEmpty();
        assertThat(exists(root.resolve("pods/u1"))).isFalse();
    }

    @Test
    void tearDownRemovesEverythingOfThePodButNeverHostPathContent() throws Exception {
        Path hostDir = Files.createDirectories(host.resolve("data"));
        Files.writeString(hostDir.resolve("precious"), "keep me");
        objects.configMap("shop", "cfg", Map.of("k", "v"));
        PodVolumes v = volumes();
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("host").withNewHostPath(hostDir.toString(), "Directory").endVolume()
            .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .endSpec().build();
        v.setUp(pod);
        Path scratch = v.dirs().volumeDir("u1", VolumeKind.EMPTY_DIR, "scratch");
        // a container left links pointing out of the pod directory, and an unwritable directory
        Files.createSymbolicLink(scratch.resolve("to-host"), hostDir);
        Files.createSymbolicLink(scratch.resolve("to-file"), hostDir.resolve("precious"));
        Path locked = Files.createDirectories(scratch.resolve("locked/inner"));
        Files.writeString(locked.resolve("f"), "x");
        FileModes.set(locked, 0500);
        FileModes.set(locked.getParent(), 0500);
        EtcHosts.write(v.dirs(), pod, List.of("10.1.0.7"), "cluster.local", Path.of("/etc/hosts"));

        v.tearDown("u1");

        assertThat(exists(root.resolve("pods/u1"))).isFalse();
        assertThat(Files.readString(hostDir.resolve("precious"))).isEqualTo("keep me");
        assertThat(TestPods.names(hostDir)).containsExactly("precious");
        v.tearDown("u1"); // idempotent
        assertThatThrownBy(() -> v.mounts(pod, new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("c")
            .addNewVolumeMount().withName("scratch").withMountPath("/s").endVolumeMount().build(), List.of()))
            .hasMessage("cannot find volume \"scratch\" to mount into container \"c\"");
    }

    @Test
    void tearDownKeepsOtherFilesOfThePodDirectoryAndUnknownPodsAreFine() throws Exception {
        PodVolumes v = volumes();
        v.setUp(pod("u1").editSpec().addNewVolume().withName("s").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build());
        Path logs = Files.createDirectories(root.resolve("pods/u1/containers/main"));
        v.tearDown("u1");
        assertThat(exists(root.resolve("pods/u1/volumes"))).isFalse();
        assertThat(logs).isDirectory();
        v.tearDown("never-seen");
    }

    @Test
    void tearDownUnmountsForeignMountsFirstSoTheirSourceIsKept() throws Exception {
        assumeTrue(isRoot(), "bind mounts need root");
        Path hostDir = Files.createDirectories(host.resolve("bound"));
        Files.writeString(hostDir.resolve("precious"), "keep me");
        PodVolumes v = volumes();
        v.setUp(pod("u1").editSpec().addNewVolume().withName("s").withNewEmptyDir().endEmptyDir().endVolume().endSpec().build());
        Path target = Files.createDirectories(v.dirs().volumeDir("u1", VolumeKind.EMPTY_DIR, "s").resolve("bind"));
        assertThat(new ProcessBuilder("mount", "--bind", hostDir.toString(), target.toString()).inheritIO().start().waitFor()).isZero();
        // teardown first unmounts everything under the pod directory, so the bind's source is never walked
        v.tearDown("u1");
        assertThat(Files.readString(hostDir.resolve("precious"))).isEqualTo("keep me");
        assertThat(exists(root.resolve("pods/u1"))).isFalse();
    }

    @Test
    void deletionStopsAtAMountPointItWasNotToldAbout() throws Exception {
        assumeTrue(isRoot(), "mounting tmpfs needs root");
        Path tree = Files.createDirectories(root.resolve("tree/sub"));
        mounter.mountTmpfs(tree, OptionalLong.of(1 << 20));
        Files.writeString(tree.resolve("on-tmpfs"), "x");
        assertThatThrownBy(() -> FileTrees.deleteTree(root.resolve("tree")))
            .hasMessageContaining("refusing to delete").hasMessageContaining("another filesystem is mounted there");
        assertThat(Files.readString(tree.resolve("on-tmpfs"))).isEqualTo("x");
    }
}
