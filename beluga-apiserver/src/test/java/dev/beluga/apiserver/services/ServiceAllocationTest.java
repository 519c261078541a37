package dev.beluga.apiserver.services;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Cluster IPs and node ports through the API of a started server (default network 10.43.0.0/16, 30000-32767). */
class ServiceAllocationTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        client = server.adminClient();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    static ServiceBuilder svc(String name, String type) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withType(type).addToSelector("app", name).addNewPort().withName("http").withPort(80).endPort().endSpec();
    }

    static Service create(ServiceBuilder b) {
        return client.services().inNamespace("default").resource(b.build()).create();
    }

    static Service get(String name) {
        return client.services().inNamespace("default").withName(name).get();
    }

    static Service edit(String name, UnaryOperator<Service> change) {
        return client.services().inNamespace("default").withName(name).edit(change);
    }

    static Service mergePatch(String name, String json) {
        return client.services().inNamespace("default").withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    static void delete(String name) {
        client.services().inNamespace("default").withName(name).delete();
    }

    /** The Service ({@code ns/name}) the record of {@code ip} names, or null when there is no record. */
    static String ipOwner(String ip) {
        return StoredRecords.owner(server.store, AllocationRecords.IPS + ip);
    }

    static String portOwner(int port) {
        return StoredRecords.owner(server.store, AllocationRecords.NODE_PORTS + port);
    }

    static KubernetesClientException refused(Runnable r) {
        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, r::run);
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    static void assertInvalid(KubernetesClientException e, String field, String message) {
        assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
        List<StatusCause> causes = e.getStatus().getDetails().getCauses();
        assertThat(causes).as(e.getMessage()).anySatisfy(c -> {
            assertThat(c.getField()).isEqualTo(field);
            assertThat(c.getMessage()).contains(message);
        });
    }

    @Test
    void wellKnownServicesHaveTheFirstAndTenthAddressesRecorded() {
        Service k8s = client.services().inNamespace("default").withName("kubernetes").get();
        assertThat(k8s.getSpec().getClusterIP()).isEqualTo("10.43.0.1");
        assertThat(ipOwner("10.43.0.1")).isEqualTo("default/kubernetes");
        Service dns = client.services().inNamespace("kube-system").withName("kube-dns").get();
        assertThat(dns.getSpec().getClusterIP()).isEqualTo("10.43.0.10");
        assertThat(dns.getSpec().getClusterIPs()).containsExactly("10.43.0.10");
        assertThat(dns.getSpec().getSelector()).as("endpoints come from the node agents").isNullOrEmpty();
        assertThat(dns.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort, ServicePort::getProtocol)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("dns", 53, "UDP"), org.assertj.core.groups.Tuple.tuple("dns-tcp", 53, "TCP"));
        assertThat(dns.getMetadata().getLabels()).containsEntry("k8s-app", "kube-dns").containsEntry("kubernetes.io/cluster-service", "true");
        assertThat(ipOwner("10.43.0.10")).isEqualTo("kube-system/kube-dns");
    }

    @Test
    void aServiceGetsAClusterIpAndTheDefaults() {
        Service s = create(svc("plain", "ClusterIP"));
        String ip = s.getSpec().getClusterIP();
        assertThat(ServiceCidr.parse("10.43.0.0/16").offsetOf(ip)).isGreaterThanOrEqualTo(0);
        assertThat(s.getSpec().getClusterIPs()).containsExactly(ip);
        assertThat(s.getSpec().getIpFamilies()).containsExactly("IPv4");
        assertThat(s.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
        assertThat(s.getSpec().getInternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(s.getSpec().getExternalTrafficPolicy()).as("not externally reachable").isNull();
        assertThat(s.getSpec().getPorts().getFirst().getNodePort()).isNull();
        assertThat(ipOwner(ip)).isEqualTo("default/plain");
        assertThat(get("plain").getSpec().getClusterIP()).isEqualTo(ip);
    }

    @Test
    void concurrentCreatesGetDistinctAddresses() throws Exception {
        ConcurrentLinkedQueue<String> ips = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10; i++) ips.add(create(svc("many-" + thread + "-" + i, "ClusterIP")).getSpec().getClusterIP());
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(ips).hasSize(80).doesNotHaveDuplicates();
        for (String ip : ips) assertThat(ipOwner(ip)).startsWith("default/many-");
    }

    @Test
    void anAddressAskedForTwiceOrOutOfRangeIsRefusedWithTheField() {
        create(svc("first", "ClusterIP").editSpec().withClusterIP("10.43.7.7").endSpec());
        KubernetesClientException e = refused(() -> create(svc("second", "ClusterIP").editSpec().withClusterIP("10.43.7.7").endSpec()));
        assertInvalid(e, "spec.clusterIPs", "failed to allocate IP 10.43.7.7: provided IP is already allocated");
        assertThat(get("second")).isNull();
        e = refused(() -> create(svc("outside", "ClusterIP").editSpec().withClusterIP("10.44.0.5").endSpec()));
        assertInvalid(e, "spec.clusterIPs", "failed to allocate IP 10.44.0.5: the provided IP (10.44.0.5) is not in the valid range. "
            + "The range of valid IPs is 10.43.0.0/16");
        e = refused(() -> create(svc("network", "ClusterIP").editSpec().withClusterIP("10.43.0.0").endSpec()));
        assertInvalid(e, "spec.clusterIPs", "is not in the valid range");
        e = refused(() -> create(svc("garbage", "ClusterIP").editSpec().withClusterIP("10.43.0.300").endSpec()));
        assertInvalid(e, "spec.clusterIPs[0]", "must be a valid IP address");
        assertThat(ipOwner("10.44.0.5")).isNull();
    }

    @Test
    void theClusterIpCannotChange() {
        create(svc("fixed", "ClusterIP").editSpec().withClusterIP("10.43.8.8").endSpec());
        KubernetesClientException e = refused(() -> mergePatch("fixed", "{\"spec\":{\"clusterIP\":\"10.43.8.9\"}}"));
        assertInvalid(e, "spec.clusterIPs[0]", "may not change once set");
        assertThat(ipOwner("10.43.8.9")).isNull();
        assertThat(get("fixed").getSpec().getClusterIP()).isEqualTo("10.43.8.8");
    }

    @Test
    void deleteReleasesOnlyWhenTheServiceLeavesTheStore() {
        create(svc("short-lived", "ClusterIP").editSpec().withClusterIP("10.43.9.9").endSpec());
        delete("short-lived");
        assertThat(ipOwner("10.43.9.9")).isNull();
        create(svc("reuser", "ClusterIP").editSpec().withClusterIP("10.43.9.9").endSpec());
        assertThat(ipOwner("10.43.9.9")).isEqualTo("default/reuser");

        create(svc("finalized", "NodePort").editMetadata().withFinalizers("example.com/hold").endMetadata()
            .editSpec().withClusterIP("10.43.9.10").editFirstPort().withNodePort(30910).endPort().endSpec());
        delete("finalized");
        assertThat(get("finalized").getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(ipOwner("10.43.9.10")).as("still held while finalizers remain").isEqualTo("default/finalized");
        assertInvalid(refused(() -> create(svc("too-early", "ClusterIP").editSpec().withClusterIP("10.43.9.10").endSpec())),
            "spec.clusterIPs", "provided IP is already allocated");
        mergePatch("finalized", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(get("finalized")).isNull();
        assertThat(ipOwner("10.43.9.10")).isNull();
        assertThat(portOwner(30910)).isNull();
    }

    @Test
    void dryRunsAllocateNothing() {
        Service dry = client.services().inNamespace("default").resource(svc("dry", "NodePort").editSpec().withClusterIP("10.43.10.10")
            .endSpec().build()).dryRun().create();
        assertThat(dry.getSpec().getClusterIP()).isEqualTo("10.43.10.10");
        int np = dry.getSpec().getPorts().getFirst().getNodePort();
        assertThat(np).isBetween(30000, 32767);
        assertThat(get("dry")).isNull();
        assertThat(ipOwner("10.43.10.10")).isNull();
        assertThat(portOwner(np)).isNull();
        Service anyIp = client.services().inNamespace("default").resource(svc("dry-any", "ClusterIP").build()).dryRun().create();
        assertThat(anyIp.getSpec().getClusterIP()).isNotEmpty();
        assertThat(ipOwner(anyIp.getSpec().getClusterIP())).isNull();

        create(svc("wet", "ClusterIP"));
        Service dryType = client.services().inNamespace("default").withName("wet").dryRun()
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"type\":\"NodePort\"}}");
        int dryPort = dryType.getSpec().getPorts().getFirst().getNodePort();
        assertThat(portOwner(dryPort)).isNull();
        assertThat(get("wet").getSpec().getType()).isEqualTo("ClusterIP");
    }

    @Test
    void headlessAndExternalNameServicesHoldNoAddress() {
        Service headless = create(svc("headless", "ClusterIP").editSpec().withClusterIP("None").endSpec());
        assertThat(headless.getSpec().getClusterIPs()).containsExactly("None");
        assertThat(headless.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
        Service bare = create(new ServiceBuilder().withNewMetadata().withName("headless-bare").endMetadata().withNewSpec()
            .withClusterIP("None").endSpec());
        assertThat(bare.getSpec().getIpFamilyPolicy()).as("headless without selector, as upstream").isEqualTo("RequireDualStack");
        assertThat(bare.getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
        assertInvalid(refused(() -> create(svc("headless-np", "NodePort").editSpec().withClusterIP("None").endSpec())),
            "spec.clusterIPs[0]", "may not be set to 'None' for NodePort services");

        Service ext = create(new ServiceBuilder().withNewMetadata().withName("ext").endMetadata().withNewSpec()
            .withType("ExternalName").withExternalName("example.com").endSpec());
        assertThat(ext.getSpec().getClusterIP()).isNull();
        assertThat(ext.getSpec().getIpFamilies()).isNullOrEmpty();
        assertInvalid(refused(() -> create(new ServiceBuilder().withNewMetadata().withName("ext-ip").endMetadata().withNewSpec()
            .withType("ExternalName").withExternalName("example.com").withClusterIP("10.43.11.11").endSpec())),
            "spec.clusterIPs", "may not be set for ExternalName services");

        Service toClusterIp = mergePatch("ext", "{\"spec\":{\"type\":\"ClusterIP\",\"externalName\":null,\"ports\":[{\"port\":80}]}}");
        String ip = toClusterIp.getSpec().getClusterIP();
        assertThat(ipOwner(ip)).isEqualTo("default/ext");
        Service back = mergePatch("ext", "{\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.org\"}}");
        assertThat(back.getSpec().getClusterIP()).isNull();
        assertThat(back.getSpec().getClusterIPs()).isNullOrEmpty();
        assertThat(ipOwner(ip)).as("released by the change to ExternalName").isNull();
    }

    @Test
    void nodePortsAreAllocatedCheckedAndReleasedOnTypeChanges() {
        Service np = create(svc("np", "NodePort").editSpec().addNewPort().withName("other").withPort(81).endPort().endSpec());
        assertThat(np.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
        List<Integer> ports = np.getSpec().getPorts().stream().map(ServicePort::getNodePort).toList();
        assertThat(ports).doesNotHaveDuplicates().allMatch(p -> p >= 30000 && p <= 32767);
        for (int p : ports) assertThat(portOwner(p)).isEqualTo("default/np");

        assertInvalid(refused(() -> create(svc("np-dup", "NodePort").editSpec().editFirstPort().withNodePort(ports.getFirst()).endPort().endSpec())),
            "spec.ports[0].nodePort", "provided port is already allocated");
        assertInvalid(refused(() -> create(svc("np-out", "NodePort").editSpec().editFirstPort().withNodePort(8080).endPort().endSpec())),
            "spec.ports[0].nodePort", "provided port is not in the valid range. The range of valid ports is 30000-32767");
        assertInvalid(refused(() -> create(svc("cip-np", "ClusterIP").editSpec().editFirstPort().withNodePort(30111).endPort().endSpec())),
            "spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'");

        Service toClusterIp = mergePatch("np", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        assertThat(toClusterIp.getSpec().getPorts()).allMatch(p -> p.getNodePort() == null);
        assertThat(toClusterIp.getSpec().getExternalTrafficPolicy()).isNull();
        for (int p : ports) assertThat(portOwner(p)).as("released").isNull();
        assertThat(toClusterIp.getSpec().getClusterIP()).isEqualTo(np.getSpec().getClusterIP());

        Service again = mergePatch("np", "{\"spec\":{\"type\":\"NodePort\"}}");
        for (ServicePort p : again.getSpec().getPorts()) assertThat(portOwner(p.getNodePort())).isEqualTo("default/np");
    }

    @Test
    void tcpAndUdpOfOneServicePortShareANodePort() {
        Service dns = create(new ServiceBuilder().withNewMetadata().withName("dns-np").endMetadata().withNewSpec().withType("NodePort")
            .addNewPort().withName("udp").withPort(53).withProtocol("UDP").endPort()
            .addNewPort().withName("tcp").withPort(53).withProtocol("TCP").endPort().endSpec());
        List<Integer> ports = dns.getSpec().getPorts().stream().map(ServicePort::getNodePort).toList();
        assertThat(ports.get(0)).isEqualTo(ports.get(1));
        Service given = create(new ServiceBuilder().withNewMetadata().withName("dns-given").endMetadata().withNewSpec().withType("NodePort")
            .addNewPort().withName("udp").withPort(53).withProtocol("UDP").withNodePort(30953).endPort()
            .addNewPort().withName("tcp").withPort(53).withProtocol("TCP").withNodePort(30953).endPort().endSpec());
        assertThat(given.getSpec().getPorts()).allMatch(p -> p.getNodePort() == 30953);
        assertInvalid(refused(() -> create(new ServiceBuilder().withNewMetadata().withName("dns-twice").endMetadata().withNewSpec()
                .withType("NodePort").addNewPort().withName("a").withPort(53).withNodePort(30954).endPort()
                .addNewPort().withName("b").withPort(54).withNodePort(30954).endPort().endSpec())),
            "spec.ports[1].nodePort", "Duplicate value");
        delete("dns-given");
        assertThat(portOwner(30953)).isNull();
    }

    @Test
    void loadBalancersGetNodePortsUnlessOptedOutAndAHealthCheckPortWhenLocal() {
        Service lb = create(svc("lb", "LoadBalancer"));
        assertThat(lb.getSpec().getAllocateLoadBalancerNodePorts()).isTrue();
        assertThat(lb.getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(lb.getSpec().getPorts().getFirst().getNodePort()).isNotNull();
        assertThat(lb.getSpec().getHealthCheckNodePort()).isNull();

        Service bare = create(svc("lb-bare", "LoadBalancer").editSpec().withAllocateLoadBalancerNodePorts(false).endSpec());
        assertThat(bare.getSpec().getPorts().getFirst().getNodePort()).isNull();

        Service local = mergePatch("lb", "{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}");
        int hc = local.getSpec().getHealthCheckNodePort();
        assertThat(hc).isBetween(30000, 32767).isNotEqualTo(local.getSpec().getPorts().getFirst().getNodePort());
        assertThat(portOwner(hc)).isEqualTo("default/lb");
        Service cluster = mergePatch("lb", "{\"spec\":{\"externalTrafficPolicy\":\"Cluster\"}}");
        assertThat(cluster.getSpec().getHealthCheckNodePort()).isNull();
        assertThat(portOwner(hc)).as("released").isNull();

        Service toClusterIp = mergePatch("lb", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        assertThat(toClusterIp.getSpec().getAllocateLoadBalancerNodePorts()).isNull();
        assertThat(toClusterIp.getSpec().getPorts().getFirst().getNodePort()).isNull();
    }

    @Test
    void aReplaceWithoutTheAllocatedValuesKeepsThem() {
        Service np = create(svc("replaced", "NodePort"));
        Service manifest = svc("replaced", "NodePort").editMetadata().addToLabels("v", "2").endMetadata().build();
        manifest.getMetadata().setResourceVersion(np.getMetadata().getResourceVersion());
        Service replaced = client.services().inNamespace("default").resource(manifest).update();
        assertThat(replaced.getSpec().getClusterIP()).isEqualTo(np.getSpec().getClusterIP());
        assertThat(replaced.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(np.getSpec().getPorts().getFirst().getNodePort());
        assertThat(replaced.getMetadata().getLabels()).containsEntry("v", "2");
        assertThat(edit("replaced", s -> {
            s.getMetadata().setAnnotations(Map.of("a", "b"));
            return s;
        }).getSpec().getClusterIP()).isEqualTo(np.getSpec().getClusterIP());
    }
}
