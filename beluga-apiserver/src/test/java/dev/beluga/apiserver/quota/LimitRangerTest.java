package dev.beluga.apiserver.quota;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeItemBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LimitRanges against a real server: their own defaulting and validation, container defaults put into pods (with the
 * annotation and the QoS class that follow), and min/max/ratio refusals of pods and claims with upstream's messages.
 */
class LimitRangerTest {
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

    private static Map<String, Quantity> q(String... kv) {
        Map<String, Quantity> m = new java.util.TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], new Quantity(kv[i + 1]));
        return m;
    }

    private static void namespace(String ns) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    private static Pod create(String ns, Pod p) {
        return client.pods().inNamespace(ns).resource(p).create();
    }

    private static Pod pod(String name, Map<String, Quantity> requests, Map<String, Quantity> limits) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .addNewInitContainer().withName("init").withImage("busybox:1.35").endInitContainer()
            .addNewContainer().withName("app").withImage("busybox:1.35").withNewResources().withRequests(requests).withLimits(limits)
            .endResources().endContainer().endSpec().build();
    }

    @Test
    void containerDefaultsAreDefaultedIntoTheRangeAndIntoPods() {
        namespace("l1");
        LimitRange lr = client.limitRanges().inNamespace("l1").resource(new LimitRangeBuilder().withNewMetadata().withName("defaults").endMetadata()
            .withNewSpec().addToLimits(new LimitRangeItemBuilder().withType("Container").withMax(q("memory", "1Gi"))
                .withDefault(q("cpu", "500m")).withMin(q("cpu", "50m")).build()).endSpec().build()).create();
        // upstream's defaulting of the range itself: default from max, defaultRequest from default
        assertThat(lr.getSpec().getLimits().get(0).getDefault()).isEqualTo(q("cpu", "500m", "memory", "1Gi"));
        assertThat(lr.getSpec().getLimits().get(0).getDefaultRequest()).isEqualTo(q("cpu", "500m", "memory", "1Gi"));

        Pod p = create("l1", pod("p", q("cpu", "100m"), Map.of()));
        var app = p.getSpec().getContainers().get(0).getResources();
        assertThat(app.getRequests()).isEqualTo(q("cpu", "100m", "memory", "1Gi"));
        assertThat(app.getLimits()).isEqualTo(q("cpu", "500m", "memory", "1Gi"));
        assertThat(p.getSpec().getInitContainers().get(0).getResources().getLimits()).isEqualTo(q("cpu", "500m", "memory", "1Gi"));
        assertThat(p.getMetadata().getAnnotations()).containsEntry("kubernetes.io/limit-ranger",
            "LimitRanger plugin set: memory request for container app; cpu, memory limit for container app; "
                + "cpu, memory request for init container init; cpu, memory limit for init container init");
        assertThat(p.getStatus().getQosClass()).isEqualTo("Burstable");

        // a limit alone is also the request (upstream's pod defaulting), so the pod is Guaranteed
        Pod g = create("l1", pod("g", Map.of(), q("cpu", "200m", "memory", "512Mi")));
        assertThat(g.getSpec().getContainers().get(0).getResources().getRequests()).isEqualTo(q("cpu", "200m", "memory", "512Mi"));
        assertThat(g.getStatus().getQosClass()).isEqualTo("Guaranteed");
    }

    @Test
    void podsAndClaimsOutsideTheRangeAreRefused() {
        namespace("l2");
        client.limitRanges().inNamespace("l2").resource(new LimitRangeBuilder().withNewMetadata().withName("bounds").endMetadata()
            .withNewSpec()
            .addToLimits(new LimitRangeItemBuilder().withType("Container").withMin(q("cpu", "100m")).withMax(q("cpu", "1"))
                .withMaxLimitRequestRatio(q("cpu", "2")).build())
            .addToLimits(new LimitRangeItemBuilder().withType("PersistentVolumeClaim").withMax(q("storage", "2Gi")).build())
            .endSpec().build()).create();
        assertThat(refusal(() -> create("l2", pod("big", q("cpu", "500m"), q("cpu", "2")))))
            .isEqualTo("pods \"big\" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, "
                + "cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000]");
        assertThat(refusal(() -> create("l2", pod("small", q("cpu", "50m"), q("cpu", "50m")))))
            .isEqualTo("pods \"small\" is forbidden: minimum cpu usage per Container is 100m, but request is 50m");
        Pod ok = create("l2", pod("ok", q("cpu", "500m"), q("cpu", "1")));
        assertThat(ok.getSpec().getInitContainers().get(0).getResources().getLimits()).as("defaulted from max").isEqualTo(q("cpu", "1"));

        var claim = new PersistentVolumeClaimBuilder().withNewMetadata().withName("huge").endMetadata().withNewSpec()
            .withAccessModes("ReadWriteOnce").withNewResources().withRequests(q("storage", "5Gi")).endResources().endSpec().build();
        assertThat(refusal(() -> client.persistentVolumeClaims().inNamespace("l2").resource(claim).create()))
            .isEqualTo("persistentvolumeclaims \"huge\" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
    }

    @Test
    void invalidRangesAreRefusedWithFieldPaths() {
        namespace("l3");
        assertThatThrownBy(() -> client.limitRanges().inNamespace("l3").resource(new LimitRangeBuilder().withNewMetadata().withName("bad").endMetadata()
            .withNewSpec().addToLimits(new LimitRangeItemBuilder().withType("Container").withMax(q("cpu", "1")).withDefault(q("cpu", "2")).build())
            .addToLimits(new LimitRangeItemBuilder().withType("Pod").withDefault(q("cpu", "1")).build())
            .endSpec().build()).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField() + ": " + c.getMessage())
                    .anySatisfy(s -> assertThat(s).startsWith("spec.limits[0].default[cpu]: ").contains("default value 2 is greater than max value 1"))
                    .anySatisfy(s -> assertThat(s).startsWith("spec.limits[1].default: ").contains("may not be specified when `type` is 'Pod'"));
            });
    }

    private static String refusal(Runnable r) {
        try {
            r.run();
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
            return e.getStatus().getMessage();
        }
        throw new AssertionError("not refused");
    }
}
