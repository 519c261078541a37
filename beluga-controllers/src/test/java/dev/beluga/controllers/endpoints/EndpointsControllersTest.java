package dev.beluga.controllers.endpoints;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Endpoints and EndpointSlice controllers against a real API server, with pods whose status the test sets. */
class EndpointsControllersTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new EndpointsController(), new EndpointSliceController()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void pod(String name, String app, String ip, boolean ready, int httpPort) {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
            .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("busybox:1.35").addNewPort().withName("http")
            .withContainerPort(httpPort).endPort().endContainer().endSpec().build()).create();
        setStatus(name, ip, ready);
    }

    private static void setStatus(String name, String ip, boolean ready) {
        Pod p = client.pods().inNamespace("default").withName(name).get();
        p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP()
            .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").withLastTransitionTime(Instant.now().toString())
            .endCondition().build());
        client.pods().inNamespace("default").resource(p).updateStatus();
    }

    private static void service(String name, String app, boolean publishNotReady) {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().addToSelector("app", app).withPublishNotReadyAddresses(publishNotReady).addNewPort().withName("web").withPort(80)
            .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
    }

    private static Endpoints endpoints(String name) {
        return client.endpoints().inNamespace("default").withName(name).get();
    }

    private static List<String> ips(List<EndpointAddress> a) {
        return a == null ? List.of() : a.stream().map(EndpointAddress::getIp).sorted().toList();
    }

    private static List<Endpoint> sliceEndpoints(String service) {
        return client.discovery().v1().endpointSlices().inNamespace("default").withLabel("kubernetes.io/service-name", service)
            .list().getItems().stream().flatMap(s -> s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream()).toList();
    }

    @Test
    void readyAndNotReadyPodsWithNamedPortsResolvedPerPod() throws Exception {
        pod("web-1", "web", "10.1.0.1", true, 8080);
        pod("web-2", "web", "10.1.0.2", false, 8080);
        pod("web-3", "web", "10.1.0.3", true, 9090);
        service("web", "web", false);
        eventually("endpoints", () -> {
            Endpoints e = endpoints("web");
            return e != null && e.getSubsets().size() == 2;
        });
        Endpoints e = endpoints("web");
        var on8080 = e.getSubsets().stream().filter(s -> s.getPorts().getFirst().getPort() == 8080).findFirst().orElseThrow();
        var on9090 = e.getSubsets().stream().filter(s -> s.getPorts().getFirst().getPort() == 9090).findFirst().orElseThrow();
        assertThat(ips(on8080.getAddresses())).containsExactly("10.1.0.1");
        assertThat(ips(on8080.getNotReadyAddresses())).containsExactly("10.1.0.2");
        assertThat(ips(on9090.getAddresses())).containsExactly("10.1.0.3");
        assertThat(on8080.getPorts().getFirst().getName()).isEqualTo("web");
        assertThat(on8080.getAddresses().getFirst().getTargetRef().getName()).isEqualTo("web-1");
        assertThat(on8080.getAddresses().getFirst().getNodeName()).isEqualTo("node-a");

        eventually("slices", () -> sliceEndpoints("web").size() == 3);
        List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inNamespace("default")
            .withLabel("kubernetes.io/service-name", "web").list().getItems();
        assertThat(slices).hasSize(2).allSatisfy(s -> {
            assertThat(s.getAddressType()).isEqualTo("IPv4");
            assertThat(s.getMetadata().getLabels()).containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
            assertThat(s.getMetadata().getOwnerReferences().getFirst().getKind()).isEqualTo("Service");
        });
        Endpoint notReady = sliceEndpoints("web").stream().filter(x -> x.getAddresses().contains("10.1.0.2")).findFirst().orElseThrow();
        assertThat(notReady.getConditions().getReady()).isFalse();

        setStatus("web-2", "10.1.0.2", true);
        eventually("web-2 ready", () -> ips(endpoints("web").getSubsets().stream().filter(s -> s.getPorts().getFirst().getPort() == 8080)
            .findFirst().orElseThrow().getAddresses()).equals(List.of("10.1.0.1", "10.1.0.2")));
        eventually("web-2 ready in its slice", () -> sliceEndpoints("web").stream().filter(x -> x.getAddresses().contains("10.1.0.2"))
            .allMatch(x -> x.getConditions().getReady()));

        client.pods().inNamespace("default").withName("web-1").withGracePeriod(0).delete();
        eventually("web-1 removed", () -> endpoints("web").getSubsets().stream().allMatch(s -> !ips(s.getAddresses()).contains("10.1.0.1"))
            && sliceEndpoints("web").stream().noneMatch(x -> x.getAddresses().contains("10.1.0.1")));

        client.services().inNamespace("default").withName("web").delete();
        eventually("endpoints and slices gone", () -> endpoints("web") == null && sliceEndpoints("web").isEmpty());
    }

    @Test
    void publishNotReadyAddressesListsEveryPodAsReady() throws Exception {
        pod("db-0", "db", "10.2.0.1", false, 5432);
        service("db", "db", true);
        eventually("not-ready pod published", () -> {
            Endpoints e = endpoints("db");
            return e != null && ips(e.getSubsets().getFirst().getAddresses()).equals(List.of("10.2.0.1"));
        });
        eventually("ready in the slice", () -> sliceEndpoints("db").size() == 1 && sliceEndpoints("db").getFirst().getConditions().getReady());
    }

    @Test
    void servicesWithoutSelectorAreLeftAlone() throws Exception {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("external").endMetadata()
            .withNewSpec().addNewPort().withPort(443).endPort().endSpec().build()).create();
        client.endpoints().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata()
            .withName("external").endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress().addNewPort().withPort(443)
            .endPort().endSubset().build()).create();
        Thread.sleep(500); // give a wrong controller the chance to overwrite them
        assertThat(ips(endpoints("external").getSubsets().getFirst().getAddresses())).containsExactly("192.0.2.10");
        assertThat(Objects.requireNonNullElse(sliceEndpoints("external"), List.of())).isEmpty();
    }
}
