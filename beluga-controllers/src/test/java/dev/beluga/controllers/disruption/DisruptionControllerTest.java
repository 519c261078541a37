package dev.beluga.controllers.disruption;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.testing.ControllerTestCluster;
import dev.beluga.controllers.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disruption controller against a real API server (no scheduler, no workload controllers: the test creates
 * ReplicaSets and their pods itself and sets readiness through /status): the counts of an integer and a percentage
 * minAvailable and of maxUnavailable, following readiness, pods going and scale changes; SyncFailed for a pod without a
 * controller; disruptedPods entries counted as unhealthy until they expire or their pod goes.
 */
class DisruptionControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new DisruptionController()), clock);
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void pod(String name, String app, HasMetadata owner) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec();
        if (owner != null) b.editMetadata().withOwnerReferences(Owners.controllerRef(owner)).endMetadata();
        client.pods().inNamespace("default").resource(b.build()).create();
    }

    private static void ready(String name, boolean ready) {
        Pod p = client.pods().inNamespace("default").withName(name).get();
        p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
            .endCondition().build());
        client.pods().inNamespace("default").resource(p).updateStatus();
    }

    private static ReplicaSet replicaSet(String name, String app, int replicas, HasMetadata owner) {
        ReplicaSetBuilder b = new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withReplicas(replicas)
            .withNewSelector().addToMatchLabels("app", app).endSelector().withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
        if (owner != null) b.editMetadata().withOwnerReferences(Owners.controllerRef(owner)).endMetadata();
        return client.apps().replicaSets().inNamespace("default").resource(b.build()).create();
    }

    private static void budget(String name, String app, IntOrString minAvailable, IntOrString maxUnavailable) {
        client.policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder().withNewMetadata()
            .withName(name).endMetadata().withNewSpec().withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable)
            .withNewSelector().addToMatchLabels("app", app).endSelector().endSpec().build()).create();
    }

    private static PodDisruptionBudgetStatus status(String name) {
        return client.policy().v1().podDisruptionBudget().inNamespace("default").withName(name).get().getStatus();
    }

    private static Condition condition(PodDisruptionBudgetStatus s) {
        return s.getConditions().stream().filter(c -> "DisruptionAllowed".equals(c.getType())).findFirst().orElseThrow();
    }

    /** The status has these numbers (expected, desired, current, allowed) and the matching condition. */
    private static boolean counts(String name, int expected, int desired, int current, int allowed) {
        PodDisruptionBudgetStatus s = status(name);
        Condition c = condition(s);
        return s.getExpectedPods() == expected && s.getDesiredHealthy() == desired && s.getCurrentHealthy() == current
            && s.getDisruptionsAllowed() == allowed && s.getObservedGeneration() == 1L
            && c.getStatus().equals(allowed > 0 ? "True" : "False") && c.getReason().equals(allowed > 0 ? "SufficientPods" : "InsufficientPods");
    }

    /** The controller writes only changes: a settled budget is not rewritten. */
    private static void assertStable(String name) throws InterruptedException {
        String rv = client.policy().v1().podDisruptionBudget().inNamespace("default").withName(name).get().getMetadata().getResourceVersion();
        Thread.sleep(1500);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace("default").withName(name).get().getMetadata().getResourceVersion())
            .isEqualTo(rv);
    }

    @Test
    void integerMinAvailableCountsMatchingPods() throws Exception {
        for (int i = 1; i <= 3; i++) pod("int-" + i, "int", null);
        pod("other", "other", null);
        budget("int", "int", new IntOrString(2), null);
        eventually("3 expected, none healthy", () -> counts("int", 3, 2, 0, 0));
        for (int i = 1; i <= 3; i++) ready("int-" + i, true);
        eventually("3 healthy, 1 disruption allowed", () -> counts("int", 3, 2, 3, 1));
        assertStable("int");
        client.pods().inNamespace("default").withName("int-3").delete();
        eventually("a pod gone: none allowed", () -> counts("int", 2, 2, 2, 0));
    }

    @Test
    void percentageMinAvailableUsesTheDeploymentScale() throws Exception {
        // a rollout: the old and the new ReplicaSet count once, at the Deployment's scale
        Deployment d = client.apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata().withName("pct")
            .endMetadata().withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", "pct").endSelector().withNewTemplate()
            .withNewMetadata().addToLabels("app", "pct").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox")
            .endContainer().endSpec().endTemplate().endSpec().build()).create();
        ReplicaSet oldRs = replicaSet("pct-old", "pct", 2, d);
        ReplicaSet newRs = replicaSet("pct-new", "pct", 3, d);
        pod("pct-1", "pct", oldRs);
        pod("pct-2", "pct", oldRs);
        pod("pct-3", "pct", newRs);
        pod("pct-4", "pct", newRs);
        for (int i = 1; i <= 4; i++) ready("pct-" + i, true);
        budget("pct", "pct", new IntOrString("50%"), null);
        eventually("50% of 4", () -> counts("pct", 4, 2, 4, 2));
        client.apps().deployments().inNamespace("default").withName("pct").edit(x -> new DeploymentBuilder(x).editSpec().withReplicas(5).endSpec().build());
        eventually("50% of 5 rounds up to 3", () -> counts("pct", 5, 3, 4, 1));
    }

    @Test
    void maxUnavailableWithAReplicaSetOwner() throws Exception {
        ReplicaSet rs = replicaSet("mu", "mu", 3, null);
        for (int i = 1; i <= 3; i++) {
            pod("mu-" + i, "mu", rs);
            ready("mu-" + i, true);
        }
        budget("mu", "mu", null, new IntOrString(1));
        eventually("3 of 3, one may go", () -> counts("mu", 3, 2, 3, 1));
        ready("mu-2", false);
        eventually("one unready: none may go", () -> counts("mu", 3, 2, 2, 0));
        client.apps().replicaSets().inNamespace("default").withName("mu").edit(x -> new ReplicaSetBuilder(x).editSpec().withReplicas(2).endSpec().build());
        eventually("scaled to 2", () -> counts("mu", 2, 1, 2, 1));
    }

    @Test
    void podWithoutControllerFailsSafe() throws Exception {
        pod("bare", "bare", null);
        ready("bare", true);
        budget("bare", "bare", null, new IntOrString("50%"));
        eventually("SyncFailed", () -> {
            PodDisruptionBudgetStatus s = status("bare");
            Condition c = condition(s);
            return s.getDisruptionsAllowed() == 0 && c.getStatus().equals("False") && c.getReason().equals("SyncFailed")
                && c.getMessage().contains("found no controller ref for pod \"bare\"");
        });
        assertStable("bare");
    }

    @Test
    void disruptedPodsCountAsUnhealthyUntilTheyExpire() throws Exception {
        for (int i = 1; i <= 2; i++) {
            pod("dis-" + i, "dis", null);
            ready("dis-" + i, true);
        }
        budget("dis", "dis", new IntOrString(1), null);
        eventually("2 healthy", () -> counts("dis", 2, 1, 2, 1));
        // what the eviction API writes: the pod it admitted, and one that has gone meanwhile
        PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace("default").withName("dis").get();
        String now = clock.instant().toString();
        pdb.getStatus().setDisruptionsAllowed(0);
        pdb.getStatus().setDisruptedPods(Map.of("dis-1", now, "gone", now));
        client.policy().v1().podDisruptionBudget().inNamespace("default").resource(pdb).updateStatus();
        eventually("dis-1 not healthy, gone dropped", () -> counts("dis", 2, 1, 1, 0)
            && status("dis").getDisruptedPods().keySet().equals(java.util.Set.of("dis-1")));

        clock.advance(DisruptedPods.TIMEOUT.plus(Duration.ofSeconds(5)));
        // any change makes the controller look again (in a real cluster the recheck timer fires)
        client.pods().inNamespace("default").withName("dis-2").edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("touched", "yes")
            .endMetadata().build());
        eventually("entry expired: dis-1 healthy again", () -> counts("dis", 2, 1, 2, 1)
            && (status("dis").getDisruptedPods() == null || status("dis").getDisruptedPods().isEmpty()));
    }
}
