package dev.beluga.controllers.daemonset;

import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DaemonSet controller reconciles over fake caches and a fake API: one pod per eligible node. */
class DaemonSetReconcileTest {
    private FakeCluster cluster;
    private DaemonSetController controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(new DaemonSetController());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static DaemonSetBuilder daemonSet() {
        return new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace("default").endMetadata()
            .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
    }

    private static Node node(String name, String taintKey, String effect) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name).endMetadata().withNewSpec().endSpec();
        if (taintKey != null) b.editSpec().addToTaints(new TaintBuilder().withKey(taintKey).withValue("x").withEffect(effect).build()).endSpec();
        return b.build();
    }

    /** The node each created pod is pinned to (its required node-affinity on metadata.name). */
    private static List<String> createdOn(List<Write> writes) {
        return writes.stream().filter(w -> w.is("POST", "/namespaces/default/pods")).map(w -> w.as(Pod.class))
            .map(DaemonPlacement::targetNode).toList();
    }

    private void nodes() {
        cluster.cache(Node.class).put(node("plain", null, null), node("gpu", "dedicated", "NoSchedule"),
            node("cordoned", "node.kubernetes.io/unschedulable", "NoSchedule"), node("evicting", "dedicated", "NoExecute"),
            node("prefer", "dedicated", "PreferNoSchedule"));
    }

    @Test
    void onePodPerEligibleNodeAndNoneOnANodeWithAnUntoleratedTaint() throws Exception {
        nodes();
        DaemonSet ds = cluster.seed(daemonSet().build());

        controller.reconcile("default/agent");

        List<Write> writes = cluster.writes();
        // cordoned: every daemon pod tolerates unschedulable; PreferNoSchedule never blocks
        assertThat(createdOn(writes)).containsExactlyInAnyOrder("plain", "cordoned", "prefer");
        assertThat(writes).filteredOn(w -> w.is("POST", "/namespaces/default/pods")).map(w -> w.as(Pod.class)).allSatisfy(p -> {
            assertThat(p.getMetadata().getLabels()).containsEntry("app", "agent").containsKey("controller-revision-hash");
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> assertThat(r.getUid()).isEqualTo(ds.getMetadata().getUid()));
            assertThat(p.getSpec().getNodeName()).as("bound by the scheduler, not by the controller").isNull();
        });
        assertThat(writes).filteredOn(w -> w.is("PUT", "/daemonsets/agent/status")).singleElement()
            .satisfies(w -> assertThat(w.as(DaemonSet.class).getStatus().getDesiredNumberScheduled()).isEqualTo(3));
    }

    @Test
    void aTolerationOpensTheTaintedNodes() throws Exception {
        nodes();
        cluster.seed(daemonSet().editSpec().editTemplate().editSpec()
            .addToTolerations(new TolerationBuilder().withKey("dedicated").withOperator("Exists").build()).endSpec().endTemplate().endSpec().build());

        controller.reconcile("default/agent");

        assertThat(createdOn(cluster.writes())).containsExactlyInAnyOrder("plain", "gpu", "cordoned", "evicting", "prefer");
    }

    @Test
    void aNodeThatAlreadyRunsThePodGetsNoOtherAndTheStaleCacheCreatesNoDuplicates() throws Exception {
        cluster.cache(Node.class).put(node("a", null, null), node("b", null, null));
        cluster.seed(daemonSet().build());
        controller.reconcile("default/agent"); // creates the revision (and the two pods)
        cluster.observeCreatesAndDeletes(ControllerRevision.class);
        assertThat(createdOn(cluster.writes())).containsExactlyInAnyOrder("a", "b");

        // the cache has not seen them: no duplicates
        controller.reconcile("default/agent");
        assertThat(createdOn(cluster.writes())).isEmpty();

        // the watch brings both pods; then the one on b is deleted by someone, and a node c joins
        for (Pod p : cluster.observeCreatesAndDeletes(Pod.class))
            if ("b".equals(DaemonPlacement.targetNode(p))) cluster.cache(Pod.class).delete(p);
        cluster.cache(Node.class).add(node("c", null, null));
        controller.reconcile("default/agent");
        assertThat(createdOn(cluster.writes())).containsExactlyInAnyOrder("b", "c");
    }
}
