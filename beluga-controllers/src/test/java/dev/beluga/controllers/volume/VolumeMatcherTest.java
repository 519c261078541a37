package dev.beluga.controllers.volume;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The matching rules of {@link VolumeMatcher} and {@link NodeAffinities}, and the local-path volume's shape. */
class VolumeMatcherTest {
    private static PersistentVolumeBuilder pv(String name, String cls, String size, String... modes) {
        return new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .withCapacity(Map.of("storage", new Quantity(size))).withAccessModes(modes).withStorageClassName(cls).endSpec()
            .withNewStatus().withPhase("Available").endStatus();
    }

    private static PersistentVolumeClaimBuilder claim(String cls, String size, String... modes) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName("c").withNamespace("ns").withUid("u1").endMetadata()
            .withNewSpec().withStorageClassName(cls).withAccessModes(modes)
            .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec();
    }

    private static String best(PersistentVolumeClaim c, Node node, boolean delay, PersistentVolumeBuilder... pvs) {
        PersistentVolume v = VolumeMatcher.findBestMatch(c, java.util.Arrays.stream(pvs).map(PersistentVolumeBuilder::build).toList(), node, delay);
        return v == null ? null : v.getMetadata().getName();
    }

    @Test
    void smallestFitOfTheClassWithTheAccessModes() {
        PersistentVolumeClaim c = claim("fast", "1500Mi", "ReadWriteOnce").build();
        assertThat(best(c, null, false, pv("big", "fast", "10Gi", "ReadWriteOnce"), pv("mid", "fast", "2Gi", "ReadWriteOnce"),
            pv("small", "fast", "1Gi", "ReadWriteOnce"), pv("other", "slow", "1600Mi", "ReadWriteOnce"),
            pv("rox", "fast", "1600Mi", "ReadOnlyMany"))).isEqualTo("mid");
        assertThat(best(c, null, false, pv("exact", "fast", "1500Mi", "ReadWriteOnce"))).as("equal capacity fits").isEqualTo("exact");
        assertThat(best(c, null, false, pv("small", "fast", "1Gi", "ReadWriteOnce"))).isNull();
    }

    @Test
    void volumesWithFewerExtraAccessModesArePreferredThenSize() {
        PersistentVolumeClaim c = claim("", "1Gi", "ReadWriteOnce").build();
        assertThat(best(c, null, false, pv("multi", "", "1Gi", "ReadWriteOnce", "ReadWriteMany"), pv("single", "", "5Gi", "ReadWriteOnce")))
            .isEqualTo("single");
        PersistentVolumeClaim rwx = claim("", "1Gi", "ReadWriteMany", "ReadWriteOnce").build();
        assertThat(best(rwx, null, false, pv("single", "", "5Gi", "ReadWriteOnce"), pv("multi", "", "1Gi", "ReadWriteOnce", "ReadWriteMany")))
            .as("access modes must be a superset").isEqualTo("multi");
    }

    @Test
    void selectorVolumeModePhaseAndClaimRefFilter() {
        PersistentVolumeClaim sel = claim("", "1Gi", "ReadWriteOnce").editSpec().withNewSelector().addToMatchLabels("tier", "gold")
            .endSelector().endSpec().build();
        assertThat(best(sel, null, false, pv("plain", "", "1Gi", "ReadWriteOnce"),
            pv("gold", "", "2Gi", "ReadWriteOnce").editMetadata().addToLabels("tier", "gold").endMetadata())).isEqualTo("gold");

        PersistentVolumeClaim c = claim("", "1Gi", "ReadWriteOnce").build();
        assertThat(best(c, null, false, pv("block", "", "1Gi", "ReadWriteOnce").editSpec().withVolumeMode("Block").endSpec())).isNull();
        assertThat(best(c, null, false, pv("fs", "", "1Gi", "ReadWriteOnce").editSpec().withVolumeMode("Filesystem").endSpec()))
            .as("unset volumeMode means Filesystem").isEqualTo("fs");
        assertThat(best(c, null, false, pv("released", "", "1Gi", "ReadWriteOnce").editStatus().withPhase("Released").endStatus())).isNull();
        assertThat(best(c, null, false, pv("taken", "", "1Gi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns")
            .withName("other").endClaimRef().endSpec())).isNull();
        assertThat(best(c, null, false, pv("same-name-old-uid", "", "1Gi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns")
            .withName("c").withUid("u0").endClaimRef().endSpec())).as("claimRef of an earlier claim of that name").isNull();
        assertThat(best(c, null, false, pv("deleting", "", "1Gi", "ReadWriteOnce").editMetadata().withDeletionTimestamp("2024-01-01T00:00:00Z")
            .endMetadata())).isNull();
    }

    @Test
    void preBoundVolumeWinsWhateverItsClassOrPhaseButMustBeLargeEnough() {
        PersistentVolumeClaim c = claim("fast", "1Gi", "ReadWriteOnce").build();
        var pre = pv("pre", "", "9Gi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns").withName("c").endClaimRef().endSpec()
            .editStatus().withPhase("Pending").endStatus();
        assertThat(best(c, null, false, pv("fit", "fast", "1Gi", "ReadWriteOnce"), pre)).isEqualTo("pre");
        var small = pv("pre", "fast", "1Mi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns").withName("c").withUid("u1")
            .endClaimRef().endSpec();
        assertThat(best(c, null, false, small, pv("fit", "fast", "1Gi", "ReadWriteOnce"))).isEqualTo("fit");
    }

    @Test
    void delayedBindingConsidersOnlyPreBoundVolumesWithoutANodeAndNodeAffinityWithOne() {
        PersistentVolumeClaim c = claim("local", "1Gi", "ReadWriteOnce").build();
        var onA = pinned(pv("on-a", "local", "1Gi", "ReadWriteOnce"), "a");
        var onB = pinned(pv("on-b", "local", "1Gi", "ReadWriteOnce"), "b");
        assertThat(best(c, null, true, onA, onB)).isNull();
        assertThat(best(c, node("b"), true, onA, onB)).isEqualTo("on-b");
        assertThat(best(c, node("c"), true, onA, onB)).isNull();
        assertThat(best(c, node("c"), true, pv("anywhere", "local", "1Gi", "ReadWriteOnce"))).isEqualTo("anywhere");
        var preOnA = pinned(pv("pre", "local", "1Gi", "ReadWriteOnce").editSpec().withNewClaimRef().withNamespace("ns").withName("c")
            .endClaimRef().endSpec(), "a");
        assertThat(best(c, null, true, preOnA)).isEqualTo("pre");
        assertThat(best(c, node("b"), true, preOnA, onB)).as("a pre-bound volume on another node: no match").isNull();
    }

    @Test
    void nodeAffinityOperatorsAndFields() {
        Node n = new NodeBuilder().withNewMetadata().withName("n1").addToLabels("zone", "z1").addToLabels("gen", "5").endMetadata().build();
        assertThat(NodeAffinities.matches(affinity("zone", "In", "z1", "z2"), n)).isTrue();
        assertThat(NodeAffinities.matches(affinity("zone", "NotIn", "z1"), n)).isFalse();
        assertThat(NodeAffinities.matches(affinity("rack", "DoesNotExist"), n)).isTrue();
        assertThat(NodeAffinities.matches(affinity("gen", "Gt", "4"), n)).isTrue();
        assertThat(NodeAffinities.matches(affinity("gen", "Lt", "4"), n)).isFalse();
        PersistentVolume byName = new PersistentVolumeBuilder().withNewSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
            .addNewMatchField().withKey("metadata.name").withOperator("In").withValues("n1").endMatchField().endNodeSelectorTerm()
            .endRequired().endNodeAffinity().endSpec().build();
        assertThat(NodeAffinities.matches(byName, n)).isTrue();
        PersistentVolume emptyTerm = new PersistentVolumeBuilder().withNewSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
            .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build();
        assertThat(NodeAffinities.matches(emptyTerm, n)).isFalse();
    }

    @Test
    void namedVolumeMismatchReasons() {
        PersistentVolumeClaim c = claim("fast", "2Gi", "ReadWriteOnce").build();
        assertThat(VolumeMatcher.mismatch(pv("v", "fast", "1Gi", "ReadWriteOnce").build(), c)).contains("too small");
        assertThat(VolumeMatcher.mismatch(pv("v", "slow", "2Gi", "ReadWriteOnce").build(), c)).contains("storageClassName");
        assertThat(VolumeMatcher.mismatch(pv("v", "fast", "2Gi", "ReadWriteOnce").editSpec().withVolumeMode("Block").endSpec().build(), c))
            .contains("volumeMode");
        assertThat(VolumeMatcher.mismatch(pv("v", "fast", "2Gi", "ReadOnlyMany").build(), c)).as("access modes are not checked").isNull();
        PersistentVolumeClaim beta = claim(null, "1Gi").editMetadata().addToAnnotations("volume.beta.kubernetes.io/storage-class", "old")
            .endMetadata().build();
        assertThat(VolumeMatcher.claimClass(beta)).isEqualTo("old");
        assertThat(VolumeMatcher.claimClass(claim(null, "1Gi").build())).isEmpty();
    }

    @Test
    void localPathVolumeShape() {
        PersistentVolumeClaim c = claim("local-path", "3Gi", "ReadWriteOnce").build();
        var cls = new StorageClassBuilder().withNewMetadata().withName("local-path").endMetadata().withProvisioner(LocalPathProvisioner.PROVISIONER)
            .build();
        PersistentVolume v = LocalPathVolumes.newVolume(c, cls, "node-x", "/base/");
        assertThat(v.getMetadata().getName()).isEqualTo("pvc-u1");
        assertThat(v.getSpec().getHostPath().getPath()).isEqualTo("/base/pvc-u1_ns_c");
        assertThat(v.getSpec().getPersistentVolumeReclaimPolicy()).as("class without reclaimPolicy: Delete").isEqualTo("Delete");
        assertThat(v.getSpec().getCapacity()).containsEntry("storage", new Quantity("3Gi"));
        assertThat(NodeAffinities.matches(v, node("node-x"))).isTrue();
        assertThat(NodeAffinities.matches(v, node("node-y"))).isFalse();
        assertThat(VolumeMatcher.isBoundToClaim(v, c)).isTrue();
        assertThat(VolumeMatcher.findBestMatch(c, List.of(v), null, true)).as("the binder takes it as pre-bound").isNotNull();
        assertThat(LocalPathVolumes.unsupported(c)).isNull();
        assertThat(LocalPathVolumes.unsupported(claim("local-path", "1Gi", "ReadWriteMany").build())).isNotNull();
    }

    private static PersistentVolumeBuilder pinned(PersistentVolumeBuilder b, String node) {
        return b.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
            .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression().endNodeSelectorTerm()
            .endRequired().endNodeAffinity().endSpec();
    }

    private static PersistentVolume affinity(String key, String op, String... values) {
        return new PersistentVolumeBuilder().withNewSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
            .addNewMatchExpression().withKey(key).withOperator(op).withValues(values).endMatchExpression().endNodeSelectorTerm()
            .endRequired().endNodeAffinity().endSpec().build();
    }

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name).endMetadata().build();
    }
}
