package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The informers feed the index from an API (fabric8's in-memory API server on loopback). */
class ClusterDnsSourceTest {
    static {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    private KubernetesMockServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        api.destroy();
    }

    @Test
    void servicesAndSlicesFromTheApiReachTheIndex() throws Exception {
        client.resource(Fixtures.clusterIp("default", "web", "10.96.0.10", Fixtures.port("http", "TCP", 80))).create();
        try (ClusterDnsSource source = ClusterDnsSource.start(client)) {
            ClusterIndex index = source.index();
            await(source::hasSynced);
            await(() -> index.service("default", "web") != null);
            assertThat(index.service("default", "web").clusterIps()).containsExactly(InetAddress.getByName("10.96.0.10"));

            client.resource(Fixtures.headless("default", "db", false)).create();
            client.resource(Fixtures.slice("default", "db-x", "db", List.of(), Fixtures.endpoint("10.244.0.5", "db-0", true, false))).create();
            await(() -> index.service("default", "db") != null && !index.service("default", "db").endpoints().isEmpty());
            assertThat(index.service("default", "db").endpoints()).singleElement()
                .satisfies(e -> assertThat(e.host()).isEqualTo("db-0"));

            client.services().inNamespace("default").withName("web").delete();
            await(() -> index.service("default", "web") == null);
        }
    }

    @Test
    void aSourceAttachedToSharedInformersGetsWhatTheyHoldAndLeavesThemRunning() throws Exception {
        client.resource(Fixtures.clusterIp("default", "web", "10.96.0.10", Fixtures.port("http", "TCP", 80))).create();
        SharedIndexInformer<Service> services = client.services().inAnyNamespace().inform();
        SharedIndexInformer<EndpointSlice> slices = client.discovery().v1().endpointSlices().inAnyNamespace().inform();
        try {
            await(() -> services.hasSynced() && slices.hasSynced());
            ClusterDnsSource source = ClusterDnsSource.attach(services, slices);
            await(() -> source.index().service("default", "web") != null); // replayed by the running informer
            source.close();
            client.resource(Fixtures.clusterIp("default", "api", "10.96.0.11", Fixtures.port("http", "TCP", 80))).create();
            await(() -> services.getStore().getByKey("default/api") != null);
            assertThat(services.isRunning()).isTrue();
            Thread.sleep(300); // a handler still attached would have had the event by now
            assertThat(source.index().service("default", "api")).as("no longer fed after close").isNull();
        } finally {
            services.close();
            slices.close();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met in 10 s");
            Thread.sleep(20);
        }
    }
}
