package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PersistentVolume binder and the local-path provisioner against a real API server (no scheduler: the test
 * plays it by annotating {@code volume.kubernetes.io/selected-node}): static binding by class, size, access modes
 * and selector (smallest fit), pre-bound claimRef and volumeName, Released with Retain, deletion with Delete,
 * WaitForFirstConsumer provisioning into a hostPath pinned to the selected node, and static WaitForFirstConsumer
 * volumes matched against the selected node. Each test uses its own classes, so they share one cluster.
 */
class PersistentVolumeControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new PersistentVolumeController(), new LocalPathProvisioner()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static PersistentVolumeBuilder pv(String name, String cls, String size, String... modes) {
        return new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .withCapacity(Map.of("storage", new Quantity(size))).withAccessModes(modes).withStorageClassName(cls)
            .withNewHostPath().withPath("/srv/" + name).endHostPath().endSpec();
    }

    private static PersistentVolume create(PersistentVolumeBuilder b) {
        PersistentVolume v = client.persistentVolumes().resource(b.build()).create();
        eventually(v.getMetadata().getName() + " Available", () -> "Available".equals(volume(v.getMetadata().getName()).getStatus().getPhase()));
        return v;
    }

    private static PersistentVolumeClaimBuilder pvc(String name, String cls, String size, String... modes) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withStorageClassName(cls).withAccessModes(modes)
            .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec();
    }

    private static PersistentVolumeClaim create(PersistentVolumeClaimBuilder b) {
        return client.persistentVolumeClaims().inNamespace("default").resource(b.build()).create();
    }

    private static PersistentVolume volume(String name) {
        return client.persistentVolumes().withName(name).get();
    }

    private static PersistentVolumeClaim claim(String name) {
        return client.persistentVolumeClaims().inNamespace("default").withName(name).get();
    }

    private static PersistentVolumeClaim awaitBound(String claim) {
        eventually(claim + " Bound", () -> "Bound".equals(claim(claim).getStatus().getPhase()));
        return claim(claim);
    }

    private static List<Event> events(String claimName, String reason) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> claimName.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
    }

    private static void deleteClaim(String name) {
        client.persistentVolumeClaims().inNamespace("default").withName(name).delete();
    }

    private static void eventually(String what, java.util.function.BooleanSupplier c) {
        try {
            ControllerTestCluster.eventually(what, c);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void staticBindingTakesTheSmallestFittingVolumeOfTheClass() throws Exception {
        create(pv("t1-big", "t1", "10Gi", "ReadWriteOnce"));
        create(pv("t1-mid", "t1", "5Gi", "ReadWriteOnce"));
        create(pv("t1-small", "t1", "1Gi", "ReadWriteOnce"));
        create(pv("t1-gold", "t1", "3Gi", "ReadWriteOnce").editMetadata().addToLabels("tier", "gold").endMetadata());
        create(pv("t1-rwx", "t1", "4Gi", "ReadWriteOnce", "ReadWriteMany"));
        create(pv("t1-other-class", "t1-other", "2Gi", "ReadWriteOnce"));
        create(pv("t1-block", "t1", "2Gi", "ReadWriteOnce").editSpec().withVolumeMode("Block").endSpec());

        PersistentVolumeClaim gold = create(pvc("gold", "t1", "2Gi", "ReadWriteOnce").editSpec().withNewSelector()
            .addToMatchLabels("tier", "gold").endSelector().endSpec());
        assertThat(awaitBound("gold").getSpec().getVolumeName()).isEqualTo("t1-gold");

        PersistentVolumeClaim a = create(pvc("a", "t1", "2Gi", "ReadWriteOnce"));
        PersistentVolumeClaim bound = awaitBound("a");
        assertThat(bound.getSpec().getVolumeName()).as("smallest fit among one-mode volumes of the class and mode").isEqualTo("t1-mid");
        assertThat(bound.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bind-completed", "yes")
            .containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
        assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("5Gi"));
        assertThat(bound.getStatus().getAccessModes()).containsExactly("ReadWriteOnce");
        eventually("t1-mid Bound", () -> "Bound".equals(volume("t1-mid").getStatus().getPhase()));
        PersistentVolume mid = volume("t1-mid");
        assertThat(mid.getSpec().getClaimRef().getName()).isEqualTo("a");
        assertThat(mid.getSpec().getClaimRef().getNamespace()).isEqualTo("default");
        assertThat(mid.getSpec().getClaimRef().getUid()).isEqualTo(a.getMetadata().getUid());
        assertThat(mid.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bound-by-controller", "yes");
        assertThat(volume("t1-gold").getSpec().getClaimRef().getUid()).isEqualTo(gold.getMetadata().getUid());

        create(pvc("rwx", "t1", "1Gi", "ReadWriteMany"));
        assertThat(awaitBound("rwx").getSpec().getVolumeName()).isEqualTo("t1-rwx");

        create(pvc("block", "t1", "1Gi", "ReadWriteOnce").editSpec().withVolumeMode("Block").endSpec());
        assertThat(awaitBound("block").getSpec().getVolumeName()).isEqualTo("t1-block");

        create(pvc("huge", "t1", "20Gi", "ReadWriteOnce"));
        eventually("no class object: ProvisioningFailed", () -> !events("huge", "ProvisioningFailed").isEmpty());
        assertThat(claim("huge").getStatus().getPhase()).isEqualTo("Pending");
        assertThat(claim("huge").getSpec().getVolumeName()).isNull();

        // a volume that fits appears later: the waiting claim takes it
        client.persistentVolumes().resource(pv("t1-huge", "t1", "20Gi", "ReadWriteOnce").build()).create(); // bound before it is seen Available
        assertThat(awaitBound("huge").getSpec().getVolumeName()).isEqualTo("t1-huge");
        assertThat(volume("t1-small").getStatus().getPhase()).isEqualTo("Available");
        assertThat(volume("t1-other-class").getStatus().getPhase()).isEqualTo("Available");
    }

    @Test
    void preBoundClaimRefAndVolumeNameAreHonoured() throws Exception {
        create(pv("t2-a-any", "t2", "1Gi", "ReadWriteOnce"));
        create(pv("t2-pre", "t2", "8Gi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("default").withName("pre")
            .endClaimRef().endSpec());
        create(pv("t2-named", "t2", "9Gi", "ReadWriteOnce"));
        create(pv("t2-tiny", "t2", "1Mi", "ReadWriteOnce"));

        PersistentVolumeClaim pre = create(pvc("pre", "t2", "1Gi", "ReadWriteOnce"));
        assertThat(awaitBound("pre").getSpec().getVolumeName()).as("the volume pre-bound to the claim wins over a smaller fit").isEqualTo("t2-pre");
        PersistentVolume prePv = volume("t2-pre");
        assertThat(prePv.getSpec().getClaimRef().getUid()).isEqualTo(pre.getMetadata().getUid());
        assertThat(prePv.getMetadata().getAnnotations()).as("pre-bound by the user").doesNotContainKey("pv.kubernetes.io/bound-by-controller");

        create(pvc("named", "t2", "1Gi", "ReadWriteOnce").editSpec().withVolumeName("t2-named").endSpec());
        PersistentVolumeClaim named = awaitBound("named");
        assertThat(named.getSpec().getVolumeName()).isEqualTo("t2-named");
        assertThat(named.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bind-completed", "yes")
            .doesNotContainKey("pv.kubernetes.io/bound-by-controller");
        eventually("t2-named Bound", () -> "Bound".equals(volume("t2-named").getStatus().getPhase()));
        assertThat(volume("t2-named").getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/bound-by-controller", "yes");

        create(pvc("too-big", "t2", "5Gi", "ReadWriteOnce").editSpec().withVolumeName("t2-tiny").endSpec());
        eventually("VolumeMismatch", () -> !events("too-big", "VolumeMismatch").isEmpty());
        assertThat(events("too-big", "VolumeMismatch").getFirst().getMessage()).contains("t2-tiny").contains("too small");
        assertThat(claim("too-big").getStatus().getPhase()).isEqualTo("Pending");
        assertThat(volume("t2-tiny").getSpec().getClaimRef()).isNull();

        create(pvc("taken", "t2", "1Gi", "ReadWriteOnce").editSpec().withVolumeName("t2-named").endSpec());
        eventually("FailedBinding", () -> !events("taken", "FailedBinding").isEmpty());
        assertThat(claim("taken").getStatus().getPhase()).isEqualTo("Pending");
        assertThat(volume("t2-a-any").getStatus().getPhase()).isEqualTo("Available");
    }

    @Test
    void releasedVolumesAreRetainedOrDeletedByPolicy() throws Exception {
        create(pv("t3-retain", "t3", "1Gi", "ReadWriteOnce").editSpec().withPersistentVolumeReclaimPolicy("Retain").endSpec());
        create(pvc("keep", "t3", "1Gi", "ReadWriteOnce"));
        awaitBound("keep");
        deleteClaim("keep");
        eventually("t3-retain Released", () -> "Released".equals(volume("t3-retain").getStatus().getPhase()));
        Thread.sleep(300);
        assertThat(volume("t3-retain")).as("Retain keeps the volume").isNotNull();
        assertThat(volume("t3-retain").getSpec().getClaimRef().getName()).isEqualTo("keep");
        // a new claim does not get a Released volume
        create(pvc("keep2", "t3", "1Gi", "ReadWriteOnce"));
        Thread.sleep(500);
        assertThat(claim("keep2").getStatus().getPhase()).isEqualTo("Pending");
        // the admin clears the claimRef: Available again, and the waiting claim takes it
        client.persistentVolumes().withName("t3-retain").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"claimRef\":null}}");
        assertThat(awaitBound("keep2").getSpec().getVolumeName()).isEqualTo("t3-retain");

        create(pv("t3-delete", "t3-d", "1Gi", "ReadWriteOnce").editSpec().withPersistentVolumeReclaimPolicy("Delete").endSpec());
        create(pvc("drop", "t3-d", "1Gi", "ReadWriteOnce"));
        awaitBound("drop");
        deleteClaim("drop");
        eventually("t3-delete deleted", () -> volume("t3-delete") == null);
    }

    @Test
    void waitForFirstConsumerClaimIsProvisionedOnTheSelectedNode() throws Exception {
        PersistentVolumeClaim data = create(pvc("data", null, "2Gi", "ReadWriteOnce"));
        assertThat(data.getSpec().getStorageClassName()).as("DefaultStorageClass admission").isEqualTo("local-path");
        eventually("WaitForFirstConsumer event", () -> !events("data", "WaitForFirstConsumer").isEmpty());
        Thread.sleep(300);
        assertThat(claim("data").getStatus().getPhase()).isEqualTo("Pending");
        assertThat(claim("data").getSpec().getVolumeName()).isNull();
        assertThat(client.persistentVolumes().list().getItems()).noneMatch(v -> v.getMetadata().getName().equals("pvc-" + data.getMetadata().getUid()));

        selectNode("data", "node-a");
        PersistentVolumeClaim bound = awaitBound("data");
        String pvName = "pvc-" + data.getMetadata().getUid();
        assertThat(bound.getSpec().getVolumeName()).isEqualTo(pvName);
        assertThat(bound.getMetadata().getAnnotations()).containsEntry("volume.kubernetes.io/storage-provisioner", "rancher.io/local-path")
            .containsEntry("volume.beta.kubernetes.io/storage-provisioner", "rancher.io/local-path");
        assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("2Gi"));
        PersistentVolume pv = volume(pvName);
        assertThat(pv.getMetadata().getAnnotations()).containsEntry("pv.kubernetes.io/provisioned-by", "rancher.io/local-path");
        assertThat(pv.getSpec().getStorageClassName()).isEqualTo("local-path");
        assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
        assertThat(pv.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(pv.getSpec().getCapacity()).containsEntry("storage", new Quantity("2Gi"));
        assertThat(pv.getSpec().getHostPath().getPath()).isEqualTo("/var/lib/beluga/storage/" + pvName + "_default_data");
        assertThat(pv.getSpec().getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        NodeSelectorRequirement req = pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().getFirst().getMatchExpressions().getFirst();
        assertThat(req.getKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(req.getOperator()).isEqualTo("In");
        assertThat(req.getValues()).containsExactly("node-a");
        assertThat(pv.getSpec().getClaimRef().getUid()).isEqualTo(data.getMetadata().getUid());
        eventually("PV Bound", () -> "Bound".equals(volume(pvName).getStatus().getPhase()));
        eventually("events", () -> !events("data", "ProvisioningSucceeded").isEmpty() && !events("data", "ExternalProvisioning").isEmpty());
        assertThat(events("data", "ExternalProvisioning").getFirst().getMessage()).contains("'rancher.io/local-path'");

        deleteClaim("data");
        eventually("provisioned volume deleted with its claim", () -> volume(pvName) == null);
    }

    @Test
    void classParametersSetThePathAndTheReclaimPolicyAndUnsupportedModesFail() throws Exception {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("lp-custom").endMetadata()
            .withProvisioner("rancher.io/local-path").withVolumeBindingMode("WaitForFirstConsumer").withReclaimPolicy("Retain")
            .withParameters(Map.of("nodePath", "/data/custom/")).build()).create();
        // a node whose hostname label differs from its name: the volume is pinned by the label, and still binds
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node-b")
            .addToLabels("kubernetes.io/hostname", "host-b").endMetadata().build()).create();
        Thread.sleep(300); // let the informers see the node
        PersistentVolumeClaim c = create(pvc("custom", "lp-custom", "1Gi", "ReadWriteOnce"));
        selectNode("custom", "node-b");
        awaitBound("custom");
        String pvName = "pvc-" + c.getMetadata().getUid();
        assertThat(volume(pvName).getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().getFirst().getMatchExpressions()
            .getFirst().getValues()).containsExactly("host-b");
        assertThat(volume(pvName).getSpec().getHostPath().getPath()).isEqualTo("/data/custom/" + pvName + "_default_custom");
        assertThat(volume(pvName).getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
        deleteClaim("custom");
        eventually("Released", () -> "Released".equals(volume(pvName).getStatus().getPhase()));
        Thread.sleep(300);
        assertThat(volume(pvName)).as("Retain: the provisioner keeps it").isNotNull();

        create(pvc("shared", "lp-custom", "1Gi", "ReadWriteMany"));
        selectNode("shared", "node-b");
        eventually("ProvisioningFailed", () -> !events("shared", "ProvisioningFailed").isEmpty());
        assertThat(events("shared", "ProvisioningFailed").getFirst().getMessage()).contains("ReadWriteOnce");
        assertThat(claim("shared").getStatus().getPhase()).isEqualTo("Pending");
    }

    @Test
    void staticWaitForFirstConsumerVolumesAreMatchedToTheSelectedNode() throws Exception {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("local-static").endMetadata()
            .withProvisioner("kubernetes.io/no-provisioner").withVolumeBindingMode("WaitForFirstConsumer").build()).create();
        for (String node : List.of("n1", "n2"))
            create(pv("ls-" + node, "local-static", "1Gi", "ReadWriteOnce").editSpec().withNewNodeAffinity().withNewRequired()
                .addNewNodeSelectorTerm().addNewMatchExpression().withKey("kubernetes.io/hostname").withOperator("In").withValues(node)
                .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec());
        create(pvc("local", "local-static", "1Gi", "ReadWriteOnce"));
        Thread.sleep(500);
        assertThat(claim("local").getStatus().getPhase()).as("waits for the first consumer").isEqualTo("Pending");
        selectNode("local", "n2");
        assertThat(awaitBound("local").getSpec().getVolumeName()).isEqualTo("ls-n2");
    }

    private static void selectNode(String claim, String node) {
        client.persistentVolumeClaims().inNamespace("default").withName(claim).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
            "{\"metadata\":{\"annotations\":{\"volume.kubernetes.io/selected-node\":\"" + node + "\"}}}");
    }
}
