package dev.beluga.controllers.replicaset;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** ReplicaSet and ReplicationController controllers against a real API server: scale, replace, adopt, release, status. */
class ReplicaSetControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(ReplicaSetController.replicaSets(),
            ReplicaSetController.replicationControllers()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static ReplicaSet rs(String name, int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().endTemplate()
            .endSpec().build();
    }

    private static List<Pod> podsOf(String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static ReplicaSet get(String name) {
        return client.apps().replicaSets().inNamespace("default").withName(name).get();
    }

    @Test
    void createsScalesAndReplacesPods() throws Exception {
        ReplicaSet created = client.apps().replicaSets().inNamespace("default").resource(rs("web", 3)).create();
        eventually("3 pods", () -> podsOf("web").size() == 3);
        for (Pod p : podsOf("web")) {
            assertThat(p.getMetadata().getName()).startsWith("web-");
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(r.getController()).isTrue();
                assertThat(r.getKind()).isEqualTo("ReplicaSet");
            });
        }
        eventually("status.replicas 3", () -> get("web").getStatus().getReplicas() == 3
            && get("web").getStatus().getObservedGeneration() == 1L);
        eventually("SuccessfulCreate events", () -> client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "SuccessfulCreate".equals(e.getReason()) && "web".equals(e.getInvolvedObject().getName())).count() == 3);

        Pod victim = podsOf("web").getFirst();
        client.pods().inNamespace("default").withName(victim.getMetadata().getName()).withGracePeriod(0).delete();
        eventually("replaced", () -> podsOf("web").size() == 3
            && podsOf("web").stream().noneMatch(p -> p.getMetadata().getName().equals(victim.getMetadata().getName())));

        client.apps().replicaSets().inNamespace("default").withName("web").scale(1);
        eventually("scaled to 1", () -> podsOf("web").size() == 1 && get("web").getStatus().getReplicas() == 1);
    }

    @Test
    void readyPodsAreCountedAndUnscheduledPodsAreDeletedFirst() throws Exception {
        client.apps().replicaSets().inNamespace("default").resource(rs("ready", 2)).create();
        eventually("2 pods", () -> podsOf("ready").size() == 2);
        Pod running = podsOf("ready").getFirst();
        String now = Instant.now().toString();
        Pod withStatus = new PodBuilder(running).editSpec().withNodeName("somewhere").endSpec().build();
        client.pods().inNamespace("default").resource(withStatus).update();
        Pod latest = client.pods().inNamespace("default").withName(running.getMetadata().getName()).get();
        latest.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
            .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition().build());
        client.pods().inNamespace("default").resource(latest).updateStatus();
        eventually("readyReplicas 1", () -> get("ready").getStatus().getReadyReplicas() == 1
            && get("ready").getStatus().getAvailableReplicas() == 1);
        client.apps().replicaSets().inNamespace("default").withName("ready").scale(1);
        eventually("the unscheduled, unready pod went", () -> podsOf("ready").size() == 1
            && podsOf("ready").getFirst().getMetadata().getName().equals(running.getMetadata().getName()));
    }

    @Test
    void orphansAreAdoptedAndPodsThatStopMatchingAreReleased() throws Exception {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("orphan").addToLabels("app", "adopt")
            .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().build()).create();
        ReplicaSet owner = client.apps().replicaSets().inNamespace("default").resource(rs("adopt", 2)).create();
        eventually("2 pods, the orphan adopted", () -> podsOf("adopt").size() == 2 && client.pods().inNamespace("default")
            .withName("orphan").get().getMetadata().getOwnerReferences().getFirst().getUid().equals(owner.getMetadata().getUid()));

        client.pods().inNamespace("default").withName("orphan").edit(p -> new PodBuilder(p).editMetadata()
            .addToLabels("app", "elsewhere").endMetadata().build());
        eventually("released and replaced", () -> {
            Pod released = client.pods().inNamespace("default").withName("orphan").get();
            return (released.getMetadata().getOwnerReferences() == null || released.getMetadata().getOwnerReferences().isEmpty())
                && podsOf("adopt").size() == 2;
        });
    }

    @Test
    void replicationControllersWorkTheSameWay() throws Exception {
        client.replicationControllers().inNamespace("default").resource(new ReplicationControllerBuilder().withNewMetadata()
            .withName("legacy").endMetadata().withNewSpec().withReplicas(2).addToSelector("app", "legacy").withNewTemplate()
            .withNewMetadata().addToLabels("app", "legacy").endMetadata().withNewSpec().addNewContainer().withName("c")
            .withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build()).create();
        eventually("2 pods owned by the RC", () -> podsOf("legacy").size() == 2 && podsOf("legacy").stream()
            .allMatch(p -> "ReplicationController".equals(p.getMetadata().getOwnerReferences().getFirst().getKind())));
        eventually("RC status", () -> client.replicationControllers().inNamespace("default").withName("legacy").get()
            .getStatus().getReplicas() == 2);
    }
}
