package dev.beluga.controllers.servicelb;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LoadBalancer Services get the addresses of the Ready, schedulable nodes as ingress, following the nodes; other
 * types and other load balancer classes do not.
 */
class ServiceLbControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new ServiceLbController()));
        client = cluster.client;
        node("node-b", "192.168.5.20", null, true);
        node("node-a", "192.168.5.3", null, true);
        node("node-ext", "192.168.5.4", "203.0.113.7", true);
        node("node-down", "192.168.5.5", null, false);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void node(String name, String internalIp, String externalIp, boolean ready) {
        String now = Instant.now().toString();
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus()
            .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").withLastHeartbeatTime(now).withLastTransitionTime(now)
            .endCondition().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus();
        if (externalIp != null) b.editStatus().addNewAddress().withType("ExternalIP").withAddress(externalIp).endAddress().endStatus();
        client.nodes().resource(b.build()).create();
    }

    private static void setReady(String name, boolean ready) {
        Node n = client.nodes().withName(name).get();
        n.getStatus().getConditions().getFirst().setStatus(ready ? "True" : "False");
        client.nodes().resource(n).updateStatus();
    }

    private static void service(String name, String type, String lbClass) {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withType(type).withLoadBalancerClass(lbClass).addToSelector("app", name).addNewPort().withPort(80).endPort()
            .endSpec().build()).create();
    }

    private static List<String> ingress(String name) {
        Service s = client.services().inNamespace("default").withName(name).get();
        List<LoadBalancerIngress> in = s.getStatus().getLoadBalancer().getIngress();
        if (in == null) return List.of();
        assertThat(in).allMatch(i -> "VIP".equals(i.getIpMode()));
        return in.stream().map(LoadBalancerIngress::getIp).toList();
    }

    private static Service patch(String name, String json) {
        return client.services().inNamespace("default").withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    @Test
    void loadBalancersFollowTheReadySchedulableNodes() throws Exception {
        service("lb", "LoadBalancer", null);
        List<String> all = List.of("192.168.5.3", "192.168.5.20", "203.0.113.7");
        eventually("ingress of the ready nodes, external address preferred, in order", () -> ingress("lb").equals(all));

        client.nodes().withName("node-a").edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true).endSpec().build());
        eventually("a cordoned node leaves", () -> ingress("lb").equals(List.of("192.168.5.20", "203.0.113.7")));
        setReady("node-down", true);
        eventually("a node that turns Ready joins", () -> ingress("lb").equals(List.of("192.168.5.5", "192.168.5.20", "203.0.113.7")));
        client.nodes().withName("node-b").delete();
        eventually("a deleted node leaves", () -> ingress("lb").equals(List.of("192.168.5.5", "203.0.113.7")));
        node("node-c", "192.168.5.30", null, true);
        eventually("a new node joins", () -> ingress("lb").equals(List.of("192.168.5.5", "192.168.5.30", "203.0.113.7")));

        patch("lb", "{\"spec\":{\"type\":\"NodePort\"}}");
        eventually("cleared when no longer a LoadBalancer", () -> ingress("lb").isEmpty());
        patch("lb", "{\"spec\":{\"type\":\"LoadBalancer\"}}");
        eventually("back again", () -> ingress("lb").size() == 3);
    }

    @Test
    void otherTypesAndLoadBalancerClassesAreLeftAlone() throws Exception {
        service("plain", "ClusterIP", null);
        service("foreign", "LoadBalancer", "example.com/other-lb");
        service("marker", "LoadBalancer", null);
        eventually("the marker got its ingress", () -> !ingress("marker").isEmpty());
        assertThat(ingress("plain")).isEmpty();
        assertThat(ingress("foreign")).isEmpty();
    }
}
