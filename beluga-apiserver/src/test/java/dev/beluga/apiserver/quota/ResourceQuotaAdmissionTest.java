package dev.beluga.apiserver.quota;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API server's quota admission against a real server (no controller runs here): a quota's status is computed
 * when it is created, creates are charged and refused past the limits with upstream's messages, what a failed create
 * charged is given back, dry runs charge nothing, updates are charged what they add, and concurrent creates never
 * pass the limit.
 */
class ResourceQuotaAdmissionTest {
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

    private static void namespace(String ns) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    private static Pod pod(String ns, String name, String cpu) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata();
        var c = b.withNewSpec().addNewContainer().withName("app").withImage("busybox:1.35");
        if (cpu != null) c = c.withNewResources().withRequests(Map.of("cpu", new Quantity(cpu))).withLimits(Map.of("cpu", new Quantity(cpu))).endResources();
        return c.endContainer().endSpec().build();
    }

    private static ResourceQuota quota(String ns, String name, Map<String, String> hard) {
        Map<String, Quantity> q = new java.util.TreeMap<>();
        hard.forEach((k, v) -> q.put(k, new Quantity(v)));
        return client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withHard(q).endSpec().build()).create();
    }

    private static Map<String, String> used(String ns, String name) {
        Map<String, String> out = new java.util.TreeMap<>();
        client.resourceQuotas().inNamespace(ns).withName(name).get().getStatus().getUsed().forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    private static String forbidden(Runnable r) {
        try {
            r.run();
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
            assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
            return e.getStatus().getMessage();
        }
        throw new AssertionError("not refused");
    }

    @Test
    void podsAreChargedAndRefusedPastTheLimit() {
        namespace("q1");
        client.pods().inNamespace("q1").resource(pod("q1", "before", "100m")).create();
        ResourceQuota q = quota("q1", "compute", Map.of("pods", "3", "requests.cpu", "1", "limits.cpu", "2"));
        assertThat(q.getStatus().getHard()).containsEntry("pods", new Quantity("3"));
        assertThat(used("q1", "compute")).as("computed at create").isEqualTo(Map.of("pods", "1", "requests.cpu", "100m", "limits.cpu", "100m"));

        client.pods().inNamespace("q1").resource(pod("q1", "a", "500m")).create();
        assertThat(used("q1", "compute")).isEqualTo(Map.of("pods", "2", "requests.cpu", "600m", "limits.cpu", "600m"));
        assertThat(forbidden(() -> client.pods().inNamespace("q1").resource(pod("q1", "big", "500m")).create()))
            .isEqualTo("pods \"big\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1");
        assertThat(forbidden(() -> client.pods().inNamespace("q1").resource(pod("q1", "none", null)).create()))
            .isEqualTo("pods \"none\" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.cpu for: app");
        assertThat(used("q1", "compute")).as("refusals charge nothing").containsEntry("pods", "2").containsEntry("requests.cpu", "600m");

        // a dry run is checked but not charged
        client.pods().inNamespace("q1").resource(pod("q1", "dry", "100m")).dryRun().create();
        assertThat(used("q1", "compute")).containsEntry("pods", "2");
        assertThat(forbidden(() -> client.pods().inNamespace("q1").resource(pod("q1", "drybig", "900m")).dryRun().create()))
            .contains("exceeded quota: compute");

        // a create that fails after the charge (the name exists) gives the charge back
        assertThatThrownBy(() -> client.pods().inNamespace("q1").resource(pod("q1", "a", "100m")).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(used("q1", "compute")).containsEntry("pods", "2").containsEntry("requests.cpu", "600m");

        client.pods().inNamespace("q1").resource(pod("q1", "c", "400m")).create();
        assertThat(used("q1", "compute")).isEqualTo(Map.of("pods", "3", "requests.cpu", "1", "limits.cpu", "1"));
        assertThat(forbidden(() -> client.pods().inNamespace("q1").resource(pod("q1", "d", "0")).create()))
            .isEqualTo("pods \"d\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3");

        // raising the limit recomputes the status at once
        client.resourceQuotas().inNamespace("q1").withName("compute").edit(r -> {
            r.getSpec().getHard().put("pods", new Quantity("10"));
            return r;
        });
        ResourceQuota raised = client.resourceQuotas().inNamespace("q1").withName("compute").get();
        assertThat(raised.getStatus().getHard()).containsEntry("pods", new Quantity("10"));
        client.pods().inNamespace("q1").resource(pod("q1", "d", "0")).create();
        assertThat(used("q1", "compute")).containsEntry("pods", "4");
    }

    @Test
    void objectCountsAndServicesAreChargedOnCreateAndOnGrowingUpdates() {
        namespace("q2");
        quota("q2", "objects", Map.of("count/configmaps", "1", "services.nodeports", "1", "services", "5"));
        client.configMaps().inNamespace("q2").resource(new ConfigMapBuilder().withNewMetadata().withName("one").endMetadata().build()).create();
        assertThat(forbidden(() -> client.configMaps().inNamespace("q2").resource(new ConfigMapBuilder().withNewMetadata().withName("two")
            .endMetadata().build()).create()))
            .isEqualTo("configmaps \"two\" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1");

        client.services().inNamespace("q2").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
            .withNewSpec().addNewPort().withName("a").withPort(80).endPort().addNewPort().withName("b").withPort(81).endPort().endSpec().build()).create();
        assertThat(used("q2", "objects")).containsEntry("services", "1").containsEntry("services.nodeports", "0");
        assertThat(forbidden(() -> client.services().inNamespace("q2").withName("web").edit(s -> {
            s.getSpec().setType("NodePort");
            return s;
        }))).contains("services \"web\" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1");
        assertThat(client.services().inNamespace("q2").withName("web").get().getSpec().getType()).isEqualTo("ClusterIP");
        // the refused update allocated no node ports that stay: a one-port NodePort Service still fits
        client.services().inNamespace("q2").resource(new ServiceBuilder().withNewMetadata().withName("np").endMetadata()
            .withNewSpec().withType("NodePort").addNewPort().withPort(80).endPort().endSpec().build()).create();
        assertThat(used("q2", "objects")).containsEntry("services", "2").containsEntry("services.nodeports", "1");
    }

    @Test
    void concurrentCreatesNeverPassTheLimit() throws Exception {
        namespace("q3");
        quota("q3", "pods", Map.of("pods", "5"));
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    try {
                        client.pods().inNamespace("q3").resource(pod("q3", "p" + n, null)).create();
                        created.incrementAndGet();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == 403) refused.incrementAndGet();
                        else throw e;
                    }
                }));
            }
            for (Future<?> f : all) f.get();
        }
        assertThat(created.get()).isEqualTo(5);
        assertThat(refused.get()).isEqualTo(15);
        assertThat(client.pods().inNamespace("q3").list().getItems()).hasSize(5);
        assertThat(used("q3", "pods")).isEqualTo(Map.of("pods", "5"));
    }

    @Test
    void aRequestRefusedByOneQuotaIsGivenBackToTheOthers() throws Exception {
        namespace("q5");
        quota("q5", "a-count", Map.of("pods", "100"));
        quota("q5", "b-cpu", Map.of("requests.cpu", "1"));
        AtomicInteger created = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    try {
                        client.pods().inNamespace("q5").resource(pod("q5", "p" + n, "300m")).create();
                        created.incrementAndGet();
                    } catch (KubernetesClientException e) {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getStatus().getMessage()).contains("exceeded quota: b-cpu");
                    }
                }));
            }
            for (Future<?> f : all) f.get();
        }
        assertThat(created.get()).isEqualTo(3);
        assertThat(used("q5", "a-count")).as("the refused pods' charges given back").isEqualTo(Map.of("pods", "3"));
        assertThat(used("q5", "b-cpu")).isEqualTo(Map.of("requests.cpu", "900m"));
    }

    @Test
    void scopedQuotasApplyToThePodsTheyMatch() {
        namespace("q4");
        client.resourceQuotas().inNamespace("q4").resource(new ResourceQuotaBuilder().withNewMetadata().withName("best-effort").endMetadata()
            .withNewSpec().withHard(Map.of("pods", new Quantity("1"))).withScopes("BestEffort").endSpec().build()).create();
        client.pods().inNamespace("q4").resource(pod("q4", "be1", null)).create();
        assertThat(forbidden(() -> client.pods().inNamespace("q4").resource(pod("q4", "be2", null)).create())).contains("exceeded quota: best-effort");
        client.pods().inNamespace("q4").resource(pod("q4", "burstable", "100m")).create();
        assertThat(used("q4", "best-effort")).isEqualTo(Map.of("pods", "1"));

        assertThatThrownBy(() -> client.resourceQuotas().inNamespace("q4").resource(new ResourceQuotaBuilder().withNewMetadata().withName("bad")
            .endMetadata().withNewSpec().withHard(Map.of("pods", new Quantity("-1"))).withScopes("Sometimes").endSpec().build()).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField())
                    .contains("spec.hard[pods]", "spec.scopes[0]");
            });
        assertThatThrownBy(() -> client.resourceQuotas().inNamespace("q4").resource(new ResourceQuotaBuilder().withNewMetadata().withName("bad2")
            .endMetadata().withNewSpec().withHard(Map.of("request.cpu", new Quantity("1"), "pods", new Quantity("1500m"),
                "requests.memory", new Quantity("1Gi"))).withScopes("BestEffort", "NotBestEffort").endSpec().build()).create())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField() + ": " + c.getMessage())
                    .anySatisfy(s -> assertThat(s).startsWith("spec.hard[request.cpu]: ").contains("must be a standard resource for quota"))
                    .anySatisfy(s -> assertThat(s).startsWith("spec.hard[pods]: ").contains("must be an integer"))
                    .anySatisfy(s -> assertThat(s).startsWith("spec.scopes: ").contains("conflicting scopes"))
                    .anySatisfy(s -> assertThat(s).startsWith("spec.hard[requests.memory]: ").contains("unsupported scope applied to resource"));
            });
    }
}
