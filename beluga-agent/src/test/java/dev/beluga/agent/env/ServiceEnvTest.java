package dev.beluga.agent.env;

import dev.beluga.agent.volumes.FakeObjectSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Service link variables: names, Docker-link forms, which services count, and enableServiceLinks. */
class ServiceEnvTest {
    private final FakeObjectSource objects = new FakeObjectSource();

    private static Service svc(String ns, String name, String clusterIp, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().withClusterIP(clusterIp).withPorts(ports).endSpec().build();
    }

    private static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    @Test
    void allVariablesOfAServiceWithSeveralPortsInOrder() {
        Map<String, String> env = ServiceEnv.fromServices(List.of(svc("ns", "redis-master", "10.0.0.11",
            port(null, 6379, "TCP"), port("metrics", 9121, null), port("gossip.udp", 7946, "UDP"))));
        assertThat(env).containsExactly(
            entry("REDIS_MASTER_SERVICE_HOST", "10.0.0.11"),
            entry("REDIS_MASTER_SERVICE_PORT", "6379"),
            entry("REDIS_MASTER_SERVICE_PORT_METRICS", "9121"),
            entry("REDIS_MASTER_SERVICE_PORT_GOSSIP_UDP", "7946"),
            entry("REDIS_MASTER_PORT", "tcp://10.0.0.11:6379"),
            entry("REDIS_MASTER_PORT_6379_TCP", "tcp://10.0.0.11:6379"),
            entry("REDIS_MASTER_PORT_6379_TCP_PROTO", "tcp"),
            entry("REDIS_MASTER_PORT_6379_TCP_PORT", "6379"),
            entry("REDIS_MASTER_PORT_6379_TCP_ADDR", "10.0.0.11"),
            entry("REDIS_MASTER_PORT_9121_TCP", "tcp://10.0.0.11:9121"),
            entry("REDIS_MASTER_PORT_9121_TCP_PROTO", "tcp"),
            entry("REDIS_MASTER_PORT_9121_TCP_PORT", "9121"),
            entry("REDIS_MASTER_PORT_9121_TCP_ADDR", "10.0.0.11"),
            entry("REDIS_MASTER_PORT_7946_UDP", "udp://10.0.0.11:7946"),
            entry("REDIS_MASTER_PORT_7946_UDP_PROTO", "udp"),
            entry("REDIS_MASTER_PORT_7946_UDP_PORT", "7946"),
            entry("REDIS_MASTER_PORT_7946_UDP_ADDR", "10.0.0.11"));
    }

    @Test
    void namesAreUpperCasedWithDotsAndDashesReplacedAndLeadingDigitsPrefixed() {
        assertThat(ServiceEnv.variableName("my-svc.v2")).isEqualTo("MY_SVC_V2");
        assertThat(ServiceEnv.variableName("3scale")).isEqualTo("_3SCALE");
    }

    @Test
    void headlessExternalNameAndIpLessServicesAreIgnored() {
        objects.put(svc("ns", "headless", "None", port("p", 80, "TCP")));
        objects.put(new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("ext").endMetadata()
            .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build());
        objects.put(svc("ns", "pending", "", port("p", 80, "TCP")));
        objects.put(svc("ns", "real", "10.0.0.5", port("p", 80, "TCP")));
        assertThat(ServiceEnv.forPod("ns", true, objects).keySet()).allMatch(k -> k.startsWith("REAL_"));
    }

    @Test
    void masterServiceAlwaysNamespaceServicesOnlyWithLinks() {
        objects.put(svc("default", "kubernetes", "10.96.0.1", port("https", 443, "TCP")));
        objects.put(svc("default", "other", "10.96.0.9", port("p", 80, "TCP")));
        objects.put(svc("shop", "db", "10.96.0.20", port("pg", 5432, "TCP")));
        Map<String, String> on = ServiceEnv.forPod("shop", true, objects);
        assertThat(on).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1").containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
            .containsEntry("KUBERNETES_PORT", "tcp://10.96.0.1:443").containsEntry("DB_SERVICE_HOST", "10.96.0.20")
            .doesNotContainKey("OTHER_SERVICE_HOST");
        Map<String, String> off = ServiceEnv.forPod("shop", false, objects);
        assertThat(off.keySet()).allMatch(k -> k.startsWith("KUBERNETES_")).contains("KUBERNETES_SERVICE_HOST");
        // pods of the default namespace see its services too, when links are on
        assertThat(ServiceEnv.forPod("default", true, objects)).containsKeys("KUBERNETES_SERVICE_HOST", "OTHER_SERVICE_HOST");
        assertThat(ServiceEnv.forPod("default", false, objects)).doesNotContainKey("OTHER_SERVICE_HOST");
    }

    @Test
    void aNamespaceServiceCalledKubernetesReplacesTheMasterWhenLinksAreOn() {
        objects.put(svc("default", "kubernetes", "10.96.0.1", port("https", 443, "TCP")));
        objects.put(svc("shop", "kubernetes", "10.96.7.7", port("http", 80, "TCP")));
        assertThat(ServiceEnv.forPod("shop", true, objects)).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.7.7");
        assertThat(ServiceEnv.forPod("shop", false, objects)).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    }

    @Test
    void servicesAreOrderedByName() {
        objects.put(svc("ns", "zeta", "10.0.0.3", port(null, 1, "TCP")));
        objects.put(svc("ns", "alpha", "10.0.0.1", port(null, 1, "TCP")));
        assertThat(ServiceEnv.forPod("ns", true, objects).keySet().iterator().next()).isEqualTo("ALPHA_SERVICE_HOST");
    }
}
