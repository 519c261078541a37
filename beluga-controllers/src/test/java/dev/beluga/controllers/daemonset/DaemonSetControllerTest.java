package dev.beluga.controllers.daemonset;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The DaemonSet controller against a real API server: placement by selector and taints, nodes coming and going, rolling update. */
class DaemonSetControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new DaemonSetController()));
        client = cluster.client;
        node("a", "worker", false);
        node("b", "worker", false);
        node("c", null, false);
        node("cordoned", "worker", true);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void node(String name, String role, boolean unschedulableTaint) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().endSpec();
        if (role != null) b.editMetadata().addToLabels("role", role).endMetadata();
        if (unschedulableTaint) b.editSpec().addNewTaint().withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").endTaint()
            .withUnschedulable(true).endSpec();
        client.nodes().resource(b.build()).create();
    }

    private static List<Pod> pods() {
        return pods("agent");
    }

    /** Live (not terminating) pods of a DaemonSet by its app label. */
    private static List<Pod> pods(String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static Set<String> targets() {
        return pods().stream().map(DaemonPlacement::targetNode).collect(Collectors.toSet());
    }

    private static DaemonSet ds() {
        return client.apps().daemonSets().inNamespace("default").withName("agent").get();
    }

    private static void markAllReady() {
        markAllReady("agent");
    }

    /** Plays the kubelet: pods not yet Running become Running and Ready. */
    private static void markAllReady(String app) {
        for (Pod p : pods(app)) {
            if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) continue;
            p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime(Instant.now().toString()).endCondition().build());
            try {
                client.pods().inNamespace("default").resource(p).updateStatus();
            } catch (RuntimeException e) {
                // deleted or changed meanwhile: the next round marks it
            }
        }
    }

    @Test
    void onePodPerEligibleNodeFollowingLabelsThenARollingUpdate() throws Exception {
        client.apps().daemonSets().inNamespace("default").resource(new DaemonSetBuilder().withNewMetadata().withName("agent").endMetadata()
            .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector().withNewTemplate().withNewMetadata()
            .addToLabels("app", "agent").endMetadata().withNewSpec().addToNodeSelector("role", "worker").addNewContainer().withName("c")
            .withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build()).create();
        // the cordoned node's unschedulable taint is tolerated by every daemon pod
        eventually("pods on a, b and cordoned", () -> targets().equals(Set.of("a", "b", "cordoned")) && pods().size() == 3);
        Pod any = pods().getFirst();
        assertThat(any.getMetadata().getLabels()).containsKey(DaemonSetController.HASH_LABEL);
        assertThat(any.getSpec().getTolerations()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unschedulable"));
        eventually("status desired 3", () -> ds().getStatus().getDesiredNumberScheduled() == 3 && ds().getStatus().getCurrentNumberScheduled() == 3);

        client.nodes().withName("c").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("role", "worker").endMetadata().build());
        eventually("a pod on c", () -> targets().contains("c") && pods().size() == 4);
        client.nodes().withName("a").edit(n -> new NodeBuilder(n).editMetadata().removeFromLabels("role").endMetadata().build());
        eventually("no pod on a", () -> !targets().contains("a") && pods().size() == 3);
        client.nodes().withName("cordoned").delete();
        eventually("no pod for the deleted node", () -> targets().equals(Set.of("b", "c")));

        markAllReady();
        eventually("all available", () -> ds().getStatus().getNumberAvailable() != null && ds().getStatus().getNumberAvailable() == 2);
        String oldHash = pods().getFirst().getMetadata().getLabels().get(DaemonSetController.HASH_LABEL);
        client.apps().daemonSets().inNamespace("default").withName("agent").edit(d -> new DaemonSetBuilder(d).editSpec().editTemplate()
            .editSpec().editFirstContainer().withImage("busybox:latest").endContainer().endSpec().endTemplate().endSpec().build());
        eventually("rolled to the new template", () -> {
            markAllReady();
            List<Pod> now = pods();
            return now.size() == 2 && now.stream().allMatch(p -> "busybox:latest".equals(p.getSpec().getContainers().getFirst().getImage())
                && !oldHash.equals(p.getMetadata().getLabels().get(DaemonSetController.HASH_LABEL)));
        });
        eventually("updatedNumberScheduled 2", () -> ds().getStatus().getUpdatedNumberScheduled() == 2);
        assertThat(client.apps().controllerRevisions().inNamespace("default").withLabel("app", "agent").list().getItems()).hasSize(2)
            .extracting(r -> r.getRevision()).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void maxSurgeStartsTheNewPodBesideTheOldOneOnOneNodeAtATime() throws Exception {
        client.apps().daemonSets().inNamespace("default").resource(new DaemonSetBuilder().withNewMetadata().withName("surge").endMetadata()
            .withNewSpec().withNewSelector().addToMatchLabels("app", "surge").endSelector()
            .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withNewMaxSurge(1).withNewMaxUnavailable(0)
            .endRollingUpdate().endUpdateStrategy()
            .withNewTemplate().withNewMetadata().addToLabels("app", "surge").endMetadata().withNewSpec().addNewContainer().withName("c")
            .withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build()).create();
        eventually("a pod per node", () -> {
            int nodes = client.nodes().list().getItems().size();
            return pods("surge").size() == nodes && pods("surge").stream().map(DaemonPlacement::targetNode).distinct().count() == nodes;
        });
        int nodes = pods("surge").size();
        markAllReady("surge");
        eventually("all available", () -> client.apps().daemonSets().inNamespace("default").withName("surge").get().getStatus()
            .getNumberAvailable() == nodes);
        client.apps().daemonSets().inNamespace("default").withName("surge").edit(d -> new DaemonSetBuilder(d).editSpec().editTemplate()
            .editSpec().editFirstContainer().withImage("busybox:latest").endContainer().endSpec().endTemplate().endSpec().build());
        eventually("one node surging", () -> pods("surge").size() == nodes + 1);
        Thread.sleep(500);
        List<Pod> during = pods("surge");
        assertThat(during).as("maxSurge 1: one extra pod, every old pod still running").hasSize(nodes + 1);
        assertThat(during.stream().map(DaemonPlacement::targetNode).distinct().count()).isEqualTo(nodes);
        eventually("rolled with no gap", () -> {
            markAllReady("surge");
            List<Pod> now = pods("surge");
            assertThat(now.size()).as(() -> now.stream().map(p -> DaemonPlacement.targetNode(p) + ":" + p.getSpec().getContainers().getFirst().getImage()
                + ":" + (p.getStatus() == null ? "-" : p.getStatus().getPhase())).sorted().toList().toString()).isBetween(nodes, nodes + 1);
            return now.size() == nodes && now.stream().allMatch(p -> "busybox:latest".equals(p.getSpec().getContainers().getFirst().getImage()));
        });
    }
}
