package dev.beluga.controllers.statefulset;

import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.FakeCluster.START;
import static dev.beluga.controllers.testing.TestPods.pod;
import static dev.beluga.controllers.testing.TestPods.running;
import static org.assertj.core.api.Assertions.assertThat;

/** StatefulSet controller reconciles over fake caches and a fake API: ordinal order, parallel, scale-down, claims. */
class StatefulSetReconcileTest {
    private FakeCluster cluster;
    private StatefulSetController controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(new StatefulSetController());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static StatefulSetBuilder set(int replicas, String policy) {
        return new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withServiceName("db").withPodManagementPolicy(policy)
            .withNewSelector().addToMatchLabels("app", "db").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
    }

    private static List<String> podCreates(List<Write> writes) {
        return writes.stream().filter(w -> w.is("POST", "/namespaces/default/pods")).map(w -> w.as(Pod.class).getMetadata().getName()).toList();
    }

    private static List<String> podDeletes(List<Write> writes) {
        return writes.stream().filter(w -> w.method().equals("DELETE") && w.path().contains("/pods/"))
            .map(w -> w.path().substring(w.path().lastIndexOf('/') + 1)).toList();
    }

    /** A pod of the set at the current revision, Running and Ready (or just Pending). */
    private Pod member(StatefulSet s, int ordinal, boolean runningReady) {
        Map<String, String> labels = new HashMap<>(Map.of("app", "db", StatefulPods.REVISION_LABEL, StatefulRevisions.name(s)));
        var b = pod("db-" + ordinal, labels, s);
        return runningReady ? running(b, "n1", START) : b.build();
    }

    @Test
    void orderedReadyCreatesOrdinalZeroFirstAndWaitsForItToBeRunningAndReady() throws Exception {
        StatefulSet s = cluster.seed(set(3, "OrderedReady").build());

        controller.reconcile("default/db");
        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).containsExactly("db-0");
        assertThat(writes).filteredOn(w -> w.is("POST", "/controllerrevisions")).singleElement()
            .satisfies(w -> assertThat(w.as(ControllerRevision.class).getMetadata().getName()).isEqualTo(StatefulRevisions.name(s)));
        cluster.observeCreatesAndDeletes(ControllerRevision.class);

        // db-0 exists but is Pending: nothing more
        cluster.cache(Pod.class).put(member(s, 0, false));
        controller.reconcile("default/db");
        assertThat(podCreates(cluster.writes())).isEmpty();

        // db-0 Running but not Ready: still nothing
        Pod notReady = running(pod("db-0", Map.of("app", "db", StatefulPods.REVISION_LABEL, StatefulRevisions.name(s)), s), "n1", null);
        cluster.cache(Pod.class).put(notReady);
        controller.reconcile("default/db");
        assertThat(podCreates(cluster.writes())).isEmpty();

        // db-0 Running and Ready: db-1, and only db-1
        cluster.cache(Pod.class).put(member(s, 0, true));
        controller.reconcile("default/db");
        assertThat(podCreates(cluster.writes())).containsExactly("db-1");
    }

    @Test
    void createdPodsHaveTheirStableIdentity() throws Exception {
        StatefulSet s = cluster.seed(set(1, "OrderedReady").build());
        controller.reconcile("default/db");
        Pod p = cluster.api().pods().inNamespace("default").withName("db-0").get();
        assertThat(p.getSpec().getHostname()).isEqualTo("db-0");
        assertThat(p.getSpec().getSubdomain()).isEqualTo("db");
        assertThat(p.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "db-0")
            .containsEntry("apps.kubernetes.io/pod-index", "0").containsEntry("controller-revision-hash", StatefulRevisions.name(s))
            .containsEntry("app", "db");
        assertThat(p.getMetadata().getOwnerReferences()).singleElement()
            .satisfies(r -> assertThat(r.getUid()).isEqualTo(s.getMetadata().getUid()));
    }

    @Test
    void parallelCreatesAllAtOnce() throws Exception {
        cluster.seed(set(3, "Parallel").build());
        controller.reconcile("default/db");
        assertThat(podCreates(cluster.writes())).containsExactlyInAnyOrder("db-0", "db-1", "db-2");
    }

    @ParameterizedTest(name = "{0}: {1} of 3 replicas kept -> deletes {2}")
    @CsvSource({"OrderedReady, 2, db-2", "OrderedReady, 1, db-2", "OrderedReady, 0, db-2", "Parallel, 1, db-2 db-1"})
    void scaleDownDeletesTheHighestOrdinalFirst(String policy, int replicas, String deleted) throws Exception {
        StatefulSet s = cluster.seed(set(replicas, policy).build());
        for (int i = 0; i < 3; i++) cluster.seed(member(s, i, true));
        controller.reconcile("default/db"); // creates the revision
        cluster.observeCreatesAndDeletes(ControllerRevision.class);
        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).isEmpty();
        assertThat(podDeletes(writes)).containsExactly(deleted.split(" "));
    }

    @Test
    void aClaimPerVolumeClaimTemplateIsCreatedBeforeThePod() throws Exception {
        PersistentVolumeClaim data = new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
            .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
            .endSpec().build();
        PersistentVolumeClaim logs = new PersistentVolumeClaimBuilder(data).editMetadata().withName("logs").endMetadata().build();
        cluster.seed(set(1, "OrderedReady").editSpec().withVolumeClaimTemplates(data, logs).endSpec().build());

        controller.reconcile("default/db");

        List<Write> writes = cluster.writes().stream().filter(w -> w.method().equals("POST") && !w.path().contains("controllerrevisions")).toList();
        assertThat(writes).extracting(w -> w.path().substring(w.path().lastIndexOf('/') + 1))
            .containsExactly("persistentvolumeclaims", "persistentvolumeclaims", "pods");
        assertThat(writes.subList(0, 2)).extracting(w -> w.as(PersistentVolumeClaim.class)).allSatisfy(c -> {
            assertThat(c.getMetadata().getLabels()).containsEntry("app", "db");
            assertThat(c.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("1Gi"));
        }).extracting(c -> c.getMetadata().getName()).containsExactly("data-db-0", "logs-db-0");
        Pod p = writes.get(2).as(Pod.class);
        assertThat(p.getSpec().getVolumes()).extracting(v -> v.getName() + "=" + v.getPersistentVolumeClaim().getClaimName())
            .containsExactlyInAnyOrder("data=data-db-0", "logs=logs-db-0");

        // a claim already in the cache is not created again
        cluster.observeCreatesAndDeletes(ControllerRevision.class);
        cluster.observeCreatesAndDeletes(PersistentVolumeClaim.class);
        cluster.api().pods().inNamespace("default").withName("db-0").delete();
        controller.reconcile("default/db");
        assertThat(cluster.writes()).filteredOn(w -> w.method().equals("POST")).extracting(w -> w.path().substring(w.path().lastIndexOf('/') + 1))
            .containsExactly("pods");
    }
}
