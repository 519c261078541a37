package dev.beluga.controllers.quota;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resource quota controller against a real API server: deletes and pods that end give their usage back, a quota
 * whose status was written wrong is corrected, and counts of types the controller does not watch are listed.
 */
class ResourceQuotaControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new ResourceQuotaController(java.time.Duration.ofSeconds(1))));
        client = cluster.client;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rq").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static Map<String, String> used(String name) {
        ResourceQuota q = client.resourceQuotas().inNamespace("rq").withName(name).get();
        Map<String, String> out = new TreeMap<>();
        if (q.getStatus() != null && q.getStatus().getUsed() != null) q.getStatus().getUsed().forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static void pod(String name) {
        client.pods().inNamespace("rq").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .addNewContainer().withName("app").withImage("busybox:1.35").withNewResources()
            .withRequests(Map.of("memory", new Quantity("64Mi"))).endResources().endContainer().endSpec().build()).create();
    }

    @Test
    void releasesAndCorrectionsReachTheStatus() throws Exception {
        client.resourceQuotas().inNamespace("rq").resource(new ResourceQuotaBuilder().withNewMetadata().withName("q").endMetadata()
            .withNewSpec().withHard(Map.of("pods", new Quantity("3"), "requests.memory", new Quantity("1Gi"),
                "secrets", new Quantity("5"), "configmaps", new Quantity("5"))).endSpec().build()).create();
        pod("a");
        pod("b");
        client.configMaps().inNamespace("rq").resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build()).create();
        client.secrets().inNamespace("rq").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata().build()).create();
        eventually("the creates charged", () -> used("q").equals(Map.of("pods", "2", "requests.memory", "128Mi", "configmaps", "1", "secrets", "1")));

        client.pods().inNamespace("rq").withName("a").withGracePeriod(0).delete();
        eventually("the deleted pod given back", () -> used("q").get("pods").equals("1") && used("q").get("requests.memory").equals("64Mi"));

        // a pod that ended counts nothing
        var b = client.pods().inNamespace("rq").withName("b").get();
        b.setStatus(new PodStatusBuilder().withPhase("Succeeded").build());
        client.pods().inNamespace("rq").resource(b).updateStatus();
        eventually("the ended pod given back", () -> used("q").get("pods").equals("0"));

        client.configMaps().inNamespace("rq").withName("cm").delete();
        eventually("the deleted config map given back", () -> used("q").get("configmaps").equals("0"));

        // a status written wrong (as a failed write would leave it) is corrected by the periodic recalculation
        for (int attempt = 0; ; attempt++) {
            ResourceQuota q = client.resourceQuotas().inNamespace("rq").withName("q").get();
            q.getStatus().getUsed().put("secrets", new Quantity("4"));
            try {
                client.resourceQuotas().inNamespace("rq").resource(q).updateStatus();
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 10) throw e; // the controller wrote the status in between
            }
        }
        eventually("the secrets counted again", () -> used("q").get("secrets").equals("1"));
    }

    @Test
    void deletesOfTypesTheSharedInformersDoNotWatchAreGivenBackAtOnce() throws Exception {
        // a controller whose periodic recalculation never comes during the test: only the delete can give back
        try (ControllerTestCluster slow = new ControllerTestCluster(dir.resolve("slow"),
            () -> List.<Controller>of(new ResourceQuotaController(java.time.Duration.ofHours(1))))) {
            KubernetesClient c = slow.client;
            c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rq2").endMetadata().build()).create();
            c.resourceQuotas().inNamespace("rq2").resource(new ResourceQuotaBuilder().withNewMetadata().withName("q").endMetadata()
                .withNewSpec().withHard(Map.of("secrets", new Quantity("1"), "count/deployments.apps", new Quantity("1"))).endSpec().build()).create();
            c.secrets().inNamespace("rq2").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata().build()).create();
            c.apps().deployments().inNamespace("rq2").resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata()
                .withName("d").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "d").endSelector().withNewTemplate()
                .withNewMetadata().addToLabels("app", "d").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
            java.util.function.Supplier<Map<String, String>> used = () -> {
                Map<String, String> out = new TreeMap<>();
                c.resourceQuotas().inNamespace("rq2").withName("q").get().getStatus().getUsed().forEach((k, v) -> out.put(k, v.toString()));
                return out;
            };
            assertThat(used.get()).isEqualTo(Map.of("secrets", "1", "count/deployments.apps", "1"));
            c.secrets().inNamespace("rq2").withName("s").delete();
            c.apps().deployments().inNamespace("rq2").withName("d").delete();
            eventually("the deletes given back", () -> used.get().equals(Map.of("secrets", "0", "count/deployments.apps", "0")));
        }
    }
}
