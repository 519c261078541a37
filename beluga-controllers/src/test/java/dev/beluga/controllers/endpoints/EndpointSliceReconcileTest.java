package dev.beluga.controllers.endpoints;

import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EndpointSlice controller syncs over fake caches and a fake API: a slice cache that lags behind the controller's own
 * creations must not make it create the slices again (the duplicate endpoints a benchmark found: 1,085 endpoints for
 * 1,000 pods).
 */
class EndpointSliceReconcileTest {
    private FakeCluster cluster;
    private EndpointSliceController controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(new EndpointSliceController());
        cluster.seed(new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
            .withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString(8080))
            .endPort().endSpec().build());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private final List<Pod> pods = new java.util.ArrayList<>();

    private void readyPods(int from, int to) {
        for (int i = from; i < to; i++)
            pods.add(cluster.seed(new PodBuilder().withNewMetadata().withName("web-" + i).withNamespace("default").addToLabels("app", "web").endMetadata()
                .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.0." + (i / 250) + "." + (i % 250 + 1))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()));
    }

    private static long creates(List<Write> writes) {
        return writes.stream().filter(w -> w.is("POST", "/namespaces/default/endpointslices")).count();
    }

    private static long deletes(List<Write> writes) {
        return writes.stream().filter(w -> w.method().equals("DELETE") && w.path().contains("/endpointslices/")).count();
    }

    private List<EndpointSlice> slicesInApi() {
        return cluster.api().discovery().v1().endpointSlices().inNamespace("default").list().getItems();
    }

    /** Plays the slice watch: creations, deletions and the controller's own updates reach the cache. */
    private void observeSlices() {
        cluster.observeCreatesAndDeletes(EndpointSlice.class);
        for (EndpointSlice s : slicesInApi()) cluster.cache(EndpointSlice.class).update(s);
    }

    private static int endpoints(List<EndpointSlice> slices) {
        return slices.stream().mapToInt(s -> s.getEndpoints() == null ? 0 : s.getEndpoints().size()).sum();
    }

    @Test
    void aSyncOverACacheWithoutItsOwnNewSlicesCreatesNothing() {
        readyPods(0, 150);
        controller.reconcile("default/web");
        assertThat(creates(cluster.writes())).isEqualTo(2); // 100 + 50 endpoints

        readyPods(150, 160); // a pod event queues the service again before the slices' add events arrived
        controller.reconcile("default/web");
        assertThat(cluster.writes()).isEmpty();

        cluster.observeCreatesAndDeletes(EndpointSlice.class); // the watch delivers the two slices
        controller.reconcile("default/web");
        List<Write> writes = cluster.writes();
        assertThat(creates(writes)).isZero();
        assertThat(writes).allMatch(w -> w.method().equals("PUT")); // the new pods go into the two slices
        assertThat(endpoints(slicesInApi())).isEqualTo(160);
        assertThat(slicesInApi()).hasSize(2);
    }

    @Test
    void surplusSlicesAreDeletedOnceEvenIfTheCacheStillShowsThem() {
        readyPods(0, 250);
        controller.reconcile("default/web");
        cluster.observeCreatesAndDeletes(EndpointSlice.class);
        assertThat(slicesInApi()).hasSize(3);

        for (int i = 100; i < 250; i++) {
            Pod p = pods.get(i);
            cluster.cache(Pod.class).remove(p);
            cluster.api().pods().inNamespace("default").withName(p.getMetadata().getName()).delete();
        }
        cluster.writes();
        controller.reconcile("default/web");
        assertThat(deletes(cluster.writes())).isEqualTo(2);
        controller.reconcile("default/web"); // the slice cache has not seen the deletions yet
        assertThat(cluster.writes()).isEmpty();

        observeSlices();
        controller.reconcile("default/web");
        assertThat(cluster.writes()).isEmpty();
        assertThat(endpoints(slicesInApi())).isEqualTo(100);
    }
}
