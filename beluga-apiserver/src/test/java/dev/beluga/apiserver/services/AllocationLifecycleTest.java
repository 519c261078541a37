package dev.beluga.apiserver.services;

import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Allocation across the API server's life: a full range, a restart on the same data, and the repair. */
class AllocationLifecycleTest {
    @TempDir
    Path dir;

    private static KubernetesClient client(TestServer server) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(server.kubeconfig));
        config.setRequestRetryBackoffLimit(0); // fabric8 retries 5xx responses, and "range is full" is one (as upstream)
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static Service create(KubernetesClient client, String name, String type) {
        return client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withType(type).addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    private static int serviceCount(KubernetesClient client) {
        return client.services().inAnyNamespace().list().getItems().size();
    }

    @Test
    void aFullRangeRefusesClearlyAndWritesNothing() throws Exception {
        try (TestServer server = new TestServer(dir, 0, ServiceNetwork.parse("10.99.0.0/29", "30000-30001"));
             KubernetesClient client = client(server)) {
            assertThat(client.services().inNamespace("kube-system").withName("kube-dns").get()).as("no 10th address in a /29").isNull();
            List<String> ips = new ArrayList<>();
            ips.add("10.99.0.1"); // kubernetes
            for (int i = 0; i < 5; i++) ips.add(create(client, "s" + i, "ClusterIP").getSpec().getClusterIP());
            assertThat(ips).containsExactlyInAnyOrder("10.99.0.1", "10.99.0.2", "10.99.0.3", "10.99.0.4", "10.99.0.5", "10.99.0.6");
            int before = serviceCount(client);
            KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, () -> create(client, "one-too-many", "ClusterIP"));
            assertThat(e.getCode()).isEqualTo(500);
            assertThat(e.getStatus().getMessage()).contains("failed to allocate a serviceIP: range is full");
            assertThat(serviceCount(client)).isEqualTo(before);

            client.services().inNamespace("default").withName("s0").delete();
            assertThat(create(client, "np-1", "NodePort").getSpec().getClusterIP()).as("the only free address").isEqualTo(ips.get(1));
            client.services().inNamespace("default").withName("s1").delete();
            create(client, "np-2", "NodePort");
            client.services().inNamespace("default").withName("s2").delete();
            e = catchThrowableOfType(KubernetesClientException.class, () -> create(client, "np-3", "NodePort"));
            assertThat(e.getStatus().getMessage()).contains("failed to allocate a nodePort: range is full");
            assertThat(StoredRecords.value(server.store, AllocationRecords.IPS + ips.get(3)))
                .as("the cluster IP reserved before the node ports ran out is released").isNull();
        }
    }

    @Test
    void aRestartedServerKeepsItsAllocations() throws Exception {
        ServiceNetwork net = ServiceNetwork.parse("10.98.0.0/28", "30000-32767"); // 14 addresses, .1 and .10 well-known
        List<String> ips = new ArrayList<>();
        try (TestServer server = new TestServer(dir, 0, net); KubernetesClient client = client(server)) {
            for (int i = 0; i < 6; i++) ips.add(create(client, "before-" + i, "ClusterIP").getSpec().getClusterIP());
        }
        try (TestServer server = new TestServer(dir, 0, net); KubernetesClient client = client(server)) {
            for (int i = 0; i < 6; i++) ips.add(create(client, "after-" + i, "ClusterIP").getSpec().getClusterIP());
            ips.add("10.98.0.1");
            ips.add("10.98.0.10");
            assertThat(ips).hasSize(14).doesNotHaveDuplicates();
            assertThat(catchThrowableOfType(KubernetesClientException.class, () -> create(client, "full", "ClusterIP")).getCode()).isEqualTo(500);
            assertThat(server.api.serviceRepair().runOnce()).as("nothing to repair").isEqualTo(new AllocationRepair.Result(0, 0));
        }
    }

    @Test
    void repairReleasesLeakedRecordsAndRecordsUnrecordedServices() throws Exception {
        try (TestServer server = new TestServer(dir); KubernetesClient client = client(server)) {
            Service svc = create(client, "unrecorded", "NodePort");
            String ip = svc.getSpec().getClusterIP();
            int np = svc.getSpec().getPorts().getFirst().getNodePort();
            // a crash after the records were lost, and two records whose services never got written
            server.store.delete((AllocationRecords.IPS + ip).getBytes(StandardCharsets.UTF_8), 0);
            server.store.delete((AllocationRecords.NODE_PORTS + np).getBytes(StandardCharsets.UTF_8), 0);
            put(server, AllocationRecords.IPS + "10.43.200.1", "gone", Instant.now().minusSeconds(600));
            put(server, AllocationRecords.NODE_PORTS + "31999", "gone", Instant.now().minusSeconds(600));
            put(server, AllocationRecords.IPS + "10.43.200.2", "in-flight", Instant.now());

            assertThat(server.api.serviceRepair().runOnce()).isEqualTo(new AllocationRepair.Result(2, 2));
            assertThat(owner(server, AllocationRecords.IPS + ip)).isEqualTo("default/unrecorded");
            assertThat(owner(server, AllocationRecords.NODE_PORTS + np)).isEqualTo("default/unrecorded");
            assertThat(owner(server, AllocationRecords.IPS + "10.43.200.1")).isNull();
            assertThat(owner(server, AllocationRecords.NODE_PORTS + "31999")).isNull();
            assertThat(owner(server, AllocationRecords.IPS + "10.43.200.2")).as("younger than the grace period").isEqualTo("default/in-flight");

            // a record left by an earlier Service of the same name (another uid) is replaced by the current one's
            Service same = create(client, "same-name", "ClusterIP");
            String sameIp = same.getSpec().getClusterIP();
            put(server, AllocationRecords.IPS + sameIp, "same-name", Instant.now().minusSeconds(600));
            assertThat(server.api.serviceRepair().runOnce()).isEqualTo(new AllocationRepair.Result(1, 1));
            assertThat(StoredRecords.value(server.store, AllocationRecords.IPS + sameIp).path("uid").asText())
                .isEqualTo(same.getMetadata().getUid());
        }
    }

    private static void put(TestServer server, String key, String name, Instant at) {
        String uid = java.util.UUID.randomUUID().toString();
        server.store.put(key.getBytes(StandardCharsets.UTF_8), Json.bytes(Json.object().put("namespace", "default").put("name", name)
            .put("uid", uid).put("allocated", at.toString())));
    }

    private static String owner(TestServer server, String key) {
        return StoredRecords.owner(server.store, key);
    }
}
