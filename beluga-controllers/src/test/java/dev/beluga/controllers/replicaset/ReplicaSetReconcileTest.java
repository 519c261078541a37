package dev.beluga.controllers.replicaset;

import dev.beluga.controllers.runtime.Expectations;
import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.FakeCluster.START;
import static dev.beluga.controllers.testing.TestPods.created;
import static dev.beluga.controllers.testing.TestPods.pod;
import static dev.beluga.controllers.testing.TestPods.running;
import static org.assertj.core.api.Assertions.assertThat;

/** ReplicaSet controller reconciles over fake caches and a fake API: what one sync writes for a given cache. */
class ReplicaSetReconcileTest {
    private FakeCluster cluster;
    private ReplicaSetController<ReplicaSet> controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(ReplicaSetController.replicaSets());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static ReplicaSet rs(int replicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "web").addToLabels("tier", "fe").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate()
            .endSpec().build();
    }

    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "fe");

    private static List<Pod> podCreates(List<Write> writes) {
        return writes.stream().filter(w -> w.is("POST", "/namespaces/default/pods")).map(w -> w.as(Pod.class)).toList();
    }

    private static List<String> podDeletes(List<Write> writes) {
        return writes.stream().filter(w -> w.method().equals("DELETE") && w.path().contains("/pods/"))
            .map(w -> w.path().substring(w.path().lastIndexOf('/') + 1)).toList();
    }

    @ParameterizedTest(name = "replicas={0}, cached pods={1} -> creates {2}")
    @CsvSource({"3, 0, 3", "3, 1, 2", "3, 3, 0", "0, 0, 0", "5, 2, 3"})
    void createsTheMissingReplicas(int replicas, int existing, int creates) throws Exception {
        ReplicaSet owner = cluster.seed(rs(replicas));
        for (int i = 0; i < existing; i++) cluster.seed(running(pod("web-old" + i, LABELS, owner), "n1", START));

        controller.reconcile("default/web");

        List<Pod> created = podCreates(cluster.writes());
        assertThat(created).hasSize(creates).allSatisfy(p -> {
            assertThat(p.getMetadata().getGenerateName()).isEqualTo("web-");
            assertThat(p.getMetadata().getLabels()).isEqualTo(LABELS);
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("ReplicaSet");
                assertThat(r.getName()).isEqualTo("web");
                assertThat(r.getUid()).isEqualTo(owner.getMetadata().getUid());
                assertThat(r.getController()).isTrue();
                assertThat(r.getBlockOwnerDeletion()).isTrue();
            });
            assertThat(p.getSpec().getContainers()).singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("busybox"));
        });
        assertThat(cluster.api().pods().inNamespace("default").list().getItems()).hasSize(existing + creates);
    }

    @Test
    void doesNotCreateAgainWhileItsCreationsAreNotInTheCache() throws Exception {
        cluster.seed(rs(3));
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).hasSize(3);

        // the cache has not seen the new pods yet (stale): counting 0 pods again must not create 3 more
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).isEmpty();

        // the watch delivers two of the three: still one creation outstanding, still no new pod
        List<Pod> inApi = cluster.api().pods().inNamespace("default").list().getItems();
        cluster.cache(Pod.class).add(inApi.get(0));
        cluster.cache(Pod.class).add(inApi.get(1));
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).isEmpty();

        // all three observed: the cache is trusted again, and it holds 3 pods: nothing to do
        cluster.cache(Pod.class).add(inApi.get(2));
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).isEmpty();
        assertThat(podDeletes(cluster.writes())).isEmpty();
    }

    @Test
    void expectationsExpireSoALostWatchEventDoesNotBlockForEver() throws Exception {
        cluster.seed(rs(2));
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).hasSize(2);

        cluster.clock.advance(Expectations.TTL.plusSeconds(1));
        controller.reconcile("default/web");
        assertThat(podCreates(cluster.writes())).as("the cache still shows no pod after the TTL").hasSize(2);
    }

    @Test
    void deletesTheSurplusUnscheduledThenNotReadyThenNewestFirst() throws Exception {
        ReplicaSet owner = cluster.seed(rs(2));
        cluster.seed(created(running(pod("web-old-ready", LABELS, owner), "n1", START), START));
        cluster.seed(created(running(pod("web-new-ready", LABELS, owner), "n1", START), START.plusSeconds(60)));
        cluster.seed(created(running(pod("web-mid-ready", LABELS, owner), "n1", START), START.plusSeconds(30)));
        cluster.seed(created(running(pod("web-not-ready", LABELS, owner), "n1", null), START));
        cluster.seed(created(pod("web-unscheduled", LABELS, owner).build(), START));

        controller.reconcile("default/web");

        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).isEmpty();
        assertThat(podDeletes(writes)).containsExactlyInAnyOrder("web-unscheduled", "web-not-ready", "web-new-ready");
        assertThat(cluster.api().pods().inNamespace("default").list().getItems()).extracting(p -> p.getMetadata().getName())
            .containsExactlyInAnyOrder("web-old-ready", "web-mid-ready");

        // the deletions are not in the cache yet: no further deletion
        controller.reconcile("default/web");
        assertThat(podDeletes(cluster.writes())).isEmpty();
    }

    @Test
    void writesStatusCountsFromTheCache() throws Exception {
        ReplicaSet spec = rs(3);
        spec.getSpec().setMinReadySeconds(10);
        ReplicaSet owner = cluster.seed(spec);
        cluster.clock.advance(Duration.ofSeconds(60));
        cluster.seed(running(pod("web-a", LABELS, owner), "n1", START)); // ready for 60s: available
        cluster.seed(running(pod("web-b", LABELS, owner), "n1", START.plusSeconds(55))); // ready for 5s: not yet available
        cluster.seed(running(pod("web-c", Map.of("app", "web"), owner), "n1", null)); // not ready, not fully labeled
        Pod done = pod("web-d", LABELS, owner).build();
        done.getStatus().setPhase("Succeeded"); // finished: does not count
        cluster.seed(done);

        controller.reconcile("default/web");

        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).isEmpty();
        assertThat(writes).filteredOn(w -> w.is("PUT", "/replicasets/web/status")).singleElement().satisfies(w -> {
            ReplicaSetStatus s = w.as(ReplicaSet.class).getStatus();
            assertThat(s.getReplicas()).isEqualTo(3);
            assertThat(s.getFullyLabeledReplicas()).isEqualTo(2);
            assertThat(s.getReadyReplicas()).isEqualTo(2);
            assertThat(s.getAvailableReplicas()).isEqualTo(1);
            assertThat(s.getObservedGeneration()).isEqualTo(owner.getMetadata().getGeneration());
        });
        assertThat(cluster.queue.waitingCount()).as("looks again when web-b becomes available").isEqualTo(1);
    }

    @Test
    void unchangedStatusIsNotWritten() throws Exception {
        ReplicaSet spec = rs(1);
        ReplicaSet owner = cluster.seed(spec);
        cluster.seed(running(pod("web-a", LABELS, owner), "n1", START));
        controller.reconcile("default/web");
        assertThat(cluster.writes()).filteredOn(w -> w.path().endsWith("/status")).hasSize(1);

        // the watch brings the written status back into the cache: the next sync writes nothing
        cluster.cache(ReplicaSet.class).update(cluster.api().apps().replicaSets().inNamespace("default").withName("web").get());
        controller.reconcile("default/web");
        assertThat(cluster.writes()).isEmpty();
    }
}
