package dev.beluga.controllers.deployment;

import dev.beluga.controllers.replicaset.ReplicaSetController;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployments against a real API server with the ReplicaSet controller; the test plays the kubelet by marking pods
 * Ready, so rollouts can progress.
 */
class DeploymentControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(ReplicaSetController.replicaSets(), new DeploymentController()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static Deployment deployment(String name, int replicas, String image, String strategy) {
        DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("c")
            .withImage(image).endContainer().endSpec().endTemplate().endSpec();
        if ("Recreate".equals(strategy)) b.editSpec().withNewStrategy().withType("Recreate").endStrategy().endSpec();
        else b.editSpec().withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString(1))
            .withMaxUnavailable(new IntOrString(0)).endRollingUpdate().endStrategy().endSpec();
        return client.apps().deployments().inNamespace("default").resource(b.build()).create();
    }

    private static List<Pod> pods(String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static List<ReplicaSet> replicaSets(String app) {
        return client.apps().replicaSets().inNamespace("default").withLabel("app", app).list().getItems();
    }

    private static Deployment get(String name) {
        return client.apps().deployments().inNamespace("default").withName(name).get();
    }

    /** Plays the kubelet: every pod of the app that is not yet Running becomes Running and Ready. */
    private static void markReady(String app) {
        for (Pod p : pods(app)) {
            if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) continue;
            p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime(Instant.now().toString()).endCondition().build());
            try {
                client.pods().inNamespace("default").resource(p).updateStatus();
            } catch (RuntimeException e) {
                // gone meanwhile
            }
        }
    }

    /** A strategic merge patch without resourceVersion, as {@code kubectl set image} sends. */
    private static void patch(String name, String json) {
        client.apps().deployments().inNamespace("default").withName(name)
            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE), json);
    }

    private static void setImage(String name, String image) {
        patch(name, "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}}}");
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private static boolean rolledOut(String name, String image, int replicas) {
        markReady(name);
        Deployment d = get(name);
        List<Pod> ps = pods(name);
        return d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getUpdatedReplicas())
            && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas()) && Integer.valueOf(replicas).equals(d.getStatus().getReplicas())
            && ps.size() == replicas && ps.stream().allMatch(p -> image.equals(p.getSpec().getContainers().getFirst().getImage()));
    }

    @Test
    void rollingUpdateRespectsTheSurgeThenRollsBackAndScales() throws Exception {
        deployment("web", 3, "busybox:1.35", "RollingUpdate");
        eventually("rolled out", () -> rolledOut("web", "busybox:1.35", 3));
        Deployment d = get("web");
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
        assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
        eventually("NewReplicaSetAvailable", () -> "NewReplicaSetAvailable".equals(condition(get("web"), "Progressing").getReason()));
        ReplicaSet first = replicaSets("web").getFirst();
        assertThat(first.getMetadata().getName()).startsWith("web-");
        assertThat(first.getMetadata().getAnnotations()).containsEntry(DeploymentController.REVISION, "1");

        setImage("web", "busybox:latest");
        AtomicInteger most = new AtomicInteger();
        eventually("rolled to latest", () -> {
            most.accumulateAndGet(pods("web").size(), Math::max);
            return rolledOut("web", "busybox:latest", 3);
        });
        assertThat(most.get()).as("never more than replicas + maxSurge pods").isLessThanOrEqualTo(4);
        assertThat(replicaSets("web")).hasSize(2);
        eventually("old RS at 0", () -> replicaSets("web").stream().filter(rs -> rs.getMetadata().getName().equals(first.getMetadata().getName()))
            .allMatch(rs -> rs.getSpec().getReplicas() == 0));
        assertThat(client.v1().events().inNamespace("default").list().getItems()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("ScalingReplicaSet");
            assertThat(e.getMessage()).startsWith("Scaled ");
        });

        setImage("web", "busybox:1.35"); // what kubectl rollout undo does
        eventually("rolled back", () -> rolledOut("web", "busybox:1.35", 3));
        assertThat(replicaSets("web")).hasSize(2);
        eventually("the old RS is revision 3", () -> client.apps().replicaSets().inNamespace("default").withName(first.getMetadata().getName())
            .get().getMetadata().getAnnotations().get(DeploymentController.REVISION).equals("3"));

        client.apps().deployments().inNamespace("default").withName("web").scale(5);
        eventually("scaled to 5", () -> rolledOut("web", "busybox:1.35", 5));
    }

    @Test
    void pausedDeploymentsDoNotRollUntilResumed() throws Exception {
        deployment("paused", 2, "busybox:1.35", "RollingUpdate");
        eventually("rolled out", () -> rolledOut("paused", "busybox:1.35", 2));
        patch("paused", "{\"spec\":{\"paused\":true}}");
        setImage("paused", "busybox:latest");
        eventually("DeploymentPaused", () -> "DeploymentPaused".equals(condition(get("paused"), "Progressing").getReason()));
        assertThat(replicaSets("paused")).hasSize(1);
        patch("paused", "{\"spec\":{\"paused\":false}}");
        eventually("rolled after resume", () -> rolledOut("paused", "busybox:latest", 2));
    }

    @Test
    void recreateRemovesTheOldPodsBeforeCreatingNewOnes() throws Exception {
        deployment("batch", 2, "busybox:1.35", "Recreate");
        eventually("rolled out", () -> rolledOut("batch", "busybox:1.35", 2));
        setImage("batch", "busybox:latest");
        eventually("rolled", () -> {
            List<Pod> ps = pods("batch");
            boolean mixed = ps.stream().map(p -> p.getSpec().getContainers().getFirst().getImage()).distinct().count() > 1;
            assertThat(mixed).as("old and new pods never run together").isFalse();
            return rolledOut("batch", "busybox:latest", 2);
        });
    }

    @Test
    void revisionHistoryLimitDeletesOldEmptyReplicaSets() throws Exception {
        Deployment d = deployment("history", 1, "busybox:1.35", "RollingUpdate");
        patch("history", "{\"spec\":{\"revisionHistoryLimit\":1}}");
        for (String image : List.of("busybox:1.35", "busybox:1.36", "busybox:1.37", "busybox:1.38")) {
            setImage("history", image);
            eventually("rolled to " + image, () -> rolledOut("history", image, 1));
        }
        eventually("current + 1 old", () -> replicaSets("history").size() == 2);
        assertThat(d.getMetadata().getName()).isEqualTo("history");
    }
}
