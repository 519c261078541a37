package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** hostPath volumes with every {@code type}, and persistentVolumeClaim volumes on hostPath and local PVs. */
class HostPathAndClaimVolumesTest {
    @TempDir
    Path root;
    @TempDir
    Path host;

    private final FakeObjectSource objects = new FakeObjectSource();

    private PodVolumes volumes() {
        return new PodVolumes(root, objects, () -> TestPods.ALLOCATABLE);
    }

    private Pod hostPathPod(String path, String type) {
        return pod("u1").editSpec().addNewVolume().withName("h").withNewHostPath(path, type).endVolume().endSpec().build();
    }

    private String failure(Pod pod) {
        try {
            volumes().setUp(pod);
        } catch (VolumeException e) {
            return e.failures().get("h");
        }
        throw new AssertionError("setUp succeeded");
    }

    @Test
    void untypedHostPathIsUsedAsIsWithoutChecks() throws Exception {
        Path missing = host.resolve("not-there");
        MountedVolume v = volumes().setUp(hostPathPod(missing.toString(), null)).get("h");
        assertThat(v).isEqualTo(new MountedVolume("h", VolumeKind.HOST_PATH, missing, false));
        assertThat(Files.exists(missing)).isFalse();
        assertThat(volumes().setUp(hostPathPod(missing.toString(), "")).get("h").hostPath()).isEqualTo(missing);
    }

    @Test
    void directoryOrCreateMakesTheDirectoryWithParents() throws Exception {
        Path dir = host.resolve("a/b/c");
        volumes().setUp(hostPathPod(dir.toString(), "DirectoryOrCreate"));
        assertThat(dir).isDirectory();
        assertThat(FileModes.get(dir) & 0755).isEqualTo(0755);
        Files.writeString(host.resolve("file"), "x");
        assertThat(failure(hostPathPod(host.resolve("file").toString(), "DirectoryOrCreate")))
            .isEqualTo("hostPath type check failed: " + host.resolve("file") + " is not a directory, it's a File");
    }

    @Test
    void fileOrCreateMakesAnEmptyFileButNotItsParent() throws Exception {
        Path file = host.resolve("f.log");
        volumes().setUp(hostPathPod(file.toString(), "FileOrCreate"));
        assertThat(file).isRegularFile().isEmptyFile();
        assertThat(FileModes.get(file) & 0644).isEqualTo(0644);
        Path orphan = host.resolve("no-parent/f.log");
        assertThat(failure(hostPathPod(orphan.toString(), "FileOrCreate"))).isEqualTo("open " + orphan + ": no such file or directory");
        assertThat(failure(hostPathPod(host.toString(), "FileOrCreate")))
            .isEqualTo("hostPath type check failed: " + host + " is not a file, it's a Directory");
    }

    @Test
    void existingTypesAreCheckedWithTheKubeletMessages() throws Exception {
        Path file = Files.writeString(host.resolve("file"), "x");
        Path missing = host.resolve("missing");
        volumes().setUp(hostPathPod(host.toString(), "Directory"));
        volumes().setUp(hostPathPod(file.toString(), "File"));
        volumes().setUp(hostPathPod("/dev/null", "CharDevice"));
        assertThat(failure(hostPathPod(missing.toString(), "Directory"))).isEqualTo("hostPath " + missing + " doesn't exist");
        assertThat(failure(hostPathPod(missing.toString(), "File"))).isEqualTo("hostPath " + missing + " doesn't exist");
        assertThat(failure(hostPathPod(file.toString(), "Directory")))
            .isEqualTo("hostPath type check failed: " + file + " is not a directory, it's a File");
        assertThat(failure(hostPathPod(host.toString(), "File")))
            .isEqualTo("hostPath type check failed: " + host + " is not a file, it's a Directory");
        assertThat(failure(hostPathPod(file.toString(), "Socket")))
            .isEqualTo("hostPath type check failed: " + file + " is not a socket file, it's a File");
        assertThat(failure(hostPathPod(file.toString(), "CharDevice")))
            .isEqualTo("hostPath type check failed: " + file + " is not a character device, it's a File");
        assertThat(failure(hostPathPod("/dev/null", "BlockDevice")))
            .isEqualTo("hostPath type check failed: /dev/null is not a block device, it's a CharDevice");
        assertThat(failure(hostPathPod(file.toString(), "Weird"))).isEqualTo("Weird is an invalid volume type");
    }

    @Test
    void socketsAreRecognised() throws Exception {
        Path sock = host.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            volumes().setUp(hostPathPod(sock.toString(), "Socket"));
            assertThat(failure(hostPathPod(sock.toString(), "File")))
                .isEqualTo("hostPath type check failed: " + sock + " is not a file, it's a Socket");
        }
    }

    @Test
    void symbolicLinksAreFollowedForTheTypeCheck() throws Exception {
        Path target = Files.createDirectory(host.resolve("target"));
        Path link = Files.createSymbolicLink(host.resolve("link"), target);
        assertThat(volumes().setUp(hostPathPod(link.toString(), "Directory")).get("h").hostPath()).isEqualTo(link);
    }

    private void claim(String name, String uid, String phase, String volumeName) {
        objects.put(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("shop").withName(name).withUid(uid).endMetadata()
            .withNewSpec().withVolumeName(volumeName).endSpec().withNewStatus().withPhase(phase).endStatus().build());
    }

    private Pod claimPod(String claim, Boolean readOnly) {
        return pod("u1").editSpec().addNewVolume().withName("h").withNewPersistentVolumeClaim(claim, readOnly).endVolume().endSpec().build();
    }

    @Test
    void boundHostPathClaimIsUsedInPlace() throws Exception {
        Path data = host.resolve("pvc-1");
        claim("data", "c-1", "Bound", "pv-1");
        objects.put(new PersistentVolumeBuilder().withNewMetadata().withName("pv-1").endMetadata().withNewSpec()
            .withNewHostPath(data.toString(), "DirectoryOrCreate").withNewClaimRef().withNamespace("shop").withName("data").withUid("c-1")
            .endClaimRef().endSpec().build());
        assertThat(volumes().setUp(claimPod("data", null)).get("h"))
            .isEqualTo(new MountedVolume("h", VolumeKind.PERSISTENT_VOLUME_CLAIM, data, false));
        assertThat(data).isDirectory();
        assertThat(volumes().setUp(claimPod("data", true)).get("h").readOnly()).isTrue();
    }

    @Test
    void boundLocalClaimNeedsAnExistingPath() throws Exception {
        claim("data", "c-1", "Bound", "pv-1");
        Path local = host.resolve("disk1");
        objects.put(new PersistentVolumeBuilder().withNewMetadata().withName("pv-1").endMetadata().withNewSpec()
            .withNewLocal(null, local.toString()).withNewClaimRef().withUid("c-1").endClaimRef().endSpec().build());
        assertThat(failure(claimPod("data", null))).isEqualTo("local volume path " + local + " does not exist");
        Files.createDirectory(local);
        assertThat(volumes().setUp(claimPod("data", null)).get("h").hostPath()).isEqualTo(local);
    }

    @Test
    void claimProblemsCarryTheKubeletMessages() {
        assertThat(failure(claimPod("absent", null)))
            .isEqualTo("error processing PVC shop/absent: failed to fetch PVC from API server: persistentvolumeclaims \"absent\" not found");
        claim("pending", "c-2", "Pending", null);
        assertThat(failure(claimPod("pending", null))).isEqualTo("error processing PVC shop/pending: PVC is not bound");
        claim("novol", "c-3", "Bound", "");
        assertThat(failure(claimPod("novol", null))).isEqualTo("error processing PVC shop/novol: PVC has empty pvc.Spec.VolumeName");
        claim("nopv", "c-4", "Bound", "pv-x");
        assertThat(failure(claimPod("nopv", null)))
            .isEqualTo("error processing PVC shop/nopv: failed to fetch PV pv-x from API server: persistentvolumes \"pv-x\" not found");
        claim("unref", "c-5", "Bound", "pv-5");
        objects.put(new PersistentVolumeBuilder().withNewMetadata().withName("pv-5").endMetadata().withNewSpec()
            .withNewHostPath("/srv/x", null).endSpec().build());
        assertThat(failure(claimPod("unref", null))).isEqualTo("error processing PVC shop/unref: found PV object pv-5 but it has a nil "
            + "pv.Spec.ClaimRef indicating it is not yet bound to the claim");
        claim("other", "c-6", "Bound", "pv-6");
        objects.put(new PersistentVolumeBuilder().withNewMetadata().withName("pv-6").endMetadata().withNewSpec()
            .withNewHostPath("/srv/x", null).withNewClaimRef().withUid("someone-else").endClaimRef().endSpec().build());
        assertThat(failure(claimPod("other", null))).isEqualTo("error processing PVC shop/other: found PV object pv-6 but its "
            + "pv.Spec.ClaimRef.UID someone-else does not point to claim.UID c-6");
        objects.put(new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace("shop").withName("deleting").withUid("c-7")
            .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().withNewSpec().withVolumeName("pv-7").endSpec()
            .withNewStatus().withPhase("Bound").endStatus().build());
        assertThat(failure(claimPod("deleting", null))).isEqualTo("error processing PVC shop/deleting: PVC is being deleted");
    }

    @Test
    void unsupportedVolumeKindsFail() {
        Pod pod = pod("u1").editSpec().addNewVolume().withName("h").withNewNfs("/export", false, "nfs.example").endVolume().endSpec().build();
        assertThat(failure(pod)).isEqualTo("no volume plugin matched");
    }

    @Test
    void everyVolumeIsTriedAndSuccessfulOnesStaySetUp() throws Exception {
        PodVolumes v = volumes();
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("bad").withNewHostPath(host.resolve("missing").toString(), "Directory").endVolume()
            .addNewVolume().withName("good").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("bad2").withNewConfigMap().withName("nope").endConfigMap().endVolume()
            .addNewContainer().withName("c").addNewVolumeMount().withName("good").withMountPath("/scratch").endVolumeMount().endContainer()
            .endSpec().build();
        assertThatThrownBy(() -> v.setUp(pod)).isInstanceOf(VolumeException.class)
            .hasMessage("MountVolume.SetUp failed for volume \"bad\" : hostPath " + host.resolve("missing") + " doesn't exist; "
                + "MountVolume.SetUp failed for volume \"bad2\" : configmap \"nope\" not found")
            .satisfies(e -> assertThat(((VolumeException) e).failures()).containsOnlyKeys("bad", "bad2"));
        assertThat(v.mounts(pod, pod.getSpec().getContainers().getFirst(), java.util.List.of())).hasSize(1);
    }
}
