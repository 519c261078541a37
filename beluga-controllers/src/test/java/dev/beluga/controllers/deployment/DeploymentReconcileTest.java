package dev.beluga.controllers.deployment;

import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.TemplateHash;
import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.FakeCluster.START;
import static dev.beluga.controllers.testing.TestPods.pod;
import static dev.beluga.controllers.testing.TestPods.running;
import static org.assertj.core.api.Assertions.assertThat;

/** Deployment controller reconciles over fake caches and a fake API: ReplicaSet creation and rollout steps. */
class DeploymentReconcileTest {
    private FakeCluster cluster;
    private DeploymentController controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(new DeploymentController());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
    }

    private static DeploymentBuilder deployment(int replicas, int maxSurge, int maxUnavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web").endSelector()
            .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString(maxSurge))
            .withMaxUnavailable(new IntOrString(maxUnavailable)).endRollingUpdate().endStrategy()
            .withTemplate(template("busybox:new")).endSpec();
    }

    /** A ReplicaSet of the deployment for a template, as the controller would have made it, with its status. */
    private static ReplicaSet replicaSet(Deployment d, PodTemplateSpec template, int revision, int replicas, int available) {
        String hash = TemplateHash.of(template, 0);
        PodTemplateSpec t = new PodTemplateSpecBuilder(template).editMetadata().addToLabels(DeploymentController.HASH, hash).endMetadata().build();
        return new ReplicaSetBuilder().withNewMetadata().withName("web-" + hash).withNamespace("default")
            .addToLabels("app", "web").addToLabels(DeploymentController.HASH, hash)
            .addToAnnotations(DeploymentController.REVISION, Integer.toString(revision))
            .withOwnerReferences(Owners.controllerRef(d)).endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web")
            .addToMatchLabels(DeploymentController.HASH, hash).endSelector().withTemplate(t).endSpec()
            .withNewStatus().withReplicas(replicas).withReadyReplicas(available).withAvailableReplicas(available).endStatus().build();
    }

    private int specReplicas(String name) {
        return cluster.api().apps().replicaSets().inNamespace("default").withName(name).get().getSpec().getReplicas();
    }

    private static List<Write> replicaSetWrites(List<Write> writes) {
        return writes.stream().filter(w -> w.path().contains("/replicasets")).toList();
    }

    @Test
    void createsTheNewReplicaSetWithThePodTemplateHash() throws Exception {
        Deployment d = cluster.seed(deployment(3, 1, 0).build());
        String hash = TemplateHash.of(d.getSpec().getTemplate(), 0);

        controller.reconcile("default/web");

        List<Write> writes = cluster.writes();
        assertThat(writes).filteredOn(w -> w.is("POST", "/namespaces/default/replicasets")).singleElement().satisfies(w -> {
            ReplicaSet rs = w.as(ReplicaSet.class);
            assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
            assertThat(rs.getMetadata().getLabels()).containsEntry("pod-template-hash", hash).containsEntry("app", "web");
            assertThat(rs.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("app", "web", "pod-template-hash", hash));
            assertThat(rs.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
            assertThat(rs.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("busybox:new");
            assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
            assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
            assertThat(Owners.isControlledBy(rs, d)).isTrue();
        });
        assertThat(cluster.api().apps().replicaSets().inNamespace("default").list().getItems()).hasSize(1);
    }

    @Test
    void aNewTemplateGetsANewReplicaSetWithTheNextRevisionWithinMaxSurge() throws Exception {
        Deployment d = cluster.seed(deployment(3, 1, 0).build());
        ReplicaSet old = cluster.seed(replicaSet(d, template("busybox:old"), 1, 3, 3));

        controller.reconcile("default/web");

        List<Write> writes = cluster.writes();
        assertThat(writes).filteredOn(w -> w.is("POST", "/namespaces/default/replicasets")).singleElement().satisfies(w -> {
            ReplicaSet rs = w.as(ReplicaSet.class);
            assertThat(rs.getMetadata().getName()).isEqualTo("web-" + TemplateHash.of(d.getSpec().getTemplate(), 0));
            assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
            assertThat(rs.getSpec().getReplicas()).as("3 + maxSurge 1 - 3 old").isEqualTo(1);
        });
        assertThat(specReplicas(old.getMetadata().getName())).as("maxUnavailable 0: nothing old goes yet").isEqualTo(3);
    }

    /**
     * One sync of a rolling update (desired 4) from the given old/new ReplicaSet sizes and availability. Every row
     * must keep the total at most {@code 4 + maxSurge} and the pods that stay available at least
     * {@code 4 - maxUnavailable} (checked in the test, independently of the expected values).
     */
    @ParameterizedTest(name = "surge={0} unavail={1} old {2}/{3} new {4}/{5} -> new {6}, old {7}")
    @CsvSource({
        // surge, unavail, oldReplicas, oldAvailable, newReplicas, newAvailable, -> newReplicas, oldReplicas
        "1, 1, 4, 4, 0, 0, 1, 3",
        "1, 1, 3, 3, 1, 0, 2, 3",
        "1, 1, 3, 3, 2, 2, 2, 1",
        "1, 1, 4, 2, 0, 0, 1, 3", // the unhealthy old replica goes first, at no cost in availability
        "1, 1, 1, 1, 4, 4, 4, 0",
        "0, 1, 4, 4, 0, 0, 0, 3", // no surge: make room first
        "0, 1, 3, 3, 0, 0, 1, 3",
        "1, 0, 4, 4, 1, 0, 1, 4", // no unavailability allowed: wait for the new pod
        "1, 0, 4, 4, 1, 1, 1, 3",
    })
    void rollingUpdateStep(int surge, int unavailable, int oldReplicas, int oldAvailable, int newReplicas, int newAvailable,
                           int expectNew, int expectOld) throws Exception {
        Deployment d = cluster.seed(deployment(4, surge, unavailable).build());
        ReplicaSet old = cluster.seed(replicaSet(d, template("busybox:old"), 1, oldReplicas, oldAvailable));
        ReplicaSet cur = cluster.seed(replicaSet(d, d.getSpec().getTemplate(), 2, newReplicas, newAvailable));

        controller.reconcile("default/web");

        assertThat(replicaSetWrites(cluster.writes())).noneMatch(w -> w.method().equals("POST"));
        int gotNew = specReplicas(cur.getMetadata().getName());
        int gotOld = specReplicas(old.getMetadata().getName());
        assertThat(gotNew + gotOld).as("within maxSurge").isLessThanOrEqualTo(4 + surge);
        int stillAvailable = Math.min(oldAvailable, gotOld) + Math.min(newAvailable, gotNew);
        assertThat(stillAvailable).as("within maxUnavailable").isGreaterThanOrEqualTo(Math.min(4 - unavailable, oldAvailable + newAvailable));
        assertThat(gotNew).as("new ReplicaSet").isEqualTo(expectNew);
        assertThat(gotOld).as("old ReplicaSet").isEqualTo(expectOld);
    }

    @Test
    void recreateScalesTheOldToZeroAndWaitsForItsPodsBeforeCreatingTheNew() throws Exception {
        Deployment d = cluster.seed(deployment(3, 1, 1).editSpec().withNewStrategy().withType("Recreate").endStrategy().endSpec().build());
        ReplicaSet old = cluster.seed(replicaSet(d, template("busybox:old"), 1, 3, 3));
        Pod oldPod = cluster.seed(running(pod("web-old-1", Map.of("app", "web"), old), "n1", START));

        controller.reconcile("default/web");
        assertThat(replicaSetWrites(cluster.writes())).noneMatch(w -> w.method().equals("POST"));
        assertThat(specReplicas(old.getMetadata().getName())).isZero();

        // the cache sees the old ReplicaSet at 0, but its pod still runs: wait
        cluster.cache(ReplicaSet.class).update(cluster.api().apps().replicaSets().inNamespace("default").withName(old.getMetadata().getName()).get());
        controller.reconcile("default/web");
        assertThat(replicaSetWrites(cluster.writes())).isEmpty();

        // the old pod is gone: now the new ReplicaSet, at full size
        cluster.cache(Pod.class).delete(oldPod);
        controller.reconcile("default/web");
        assertThat(cluster.writes()).filteredOn(w -> w.is("POST", "/namespaces/default/replicasets")).singleElement()
            .satisfies(w -> assertThat(w.as(ReplicaSet.class).getSpec().getReplicas()).isEqualTo(3));
    }

    @Test
    void pausedDoesNotRollOut() throws Exception {
        Deployment d = cluster.seed(deployment(3, 1, 1).editSpec().withPaused(true).endSpec().build());
        ReplicaSet old = cluster.seed(replicaSet(d, template("busybox:old"), 1, 3, 3));

        controller.reconcile("default/web");

        assertThat(replicaSetWrites(cluster.writes())).as("no new ReplicaSet, none deleted")
            .noneMatch(w -> w.method().equals("POST") || w.method().equals("DELETE"));
        assertThat(cluster.api().apps().replicaSets().inNamespace("default").list().getItems()).singleElement().satisfies(rs -> {
            assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
            assertThat(rs.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()).isEqualTo("busybox:old");
        });
    }
}
