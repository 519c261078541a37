package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pods/eviction} against PodDisruptionBudgets whose status the test sets by hand (no disruption controller):
 * a budget allowing no disruption refuses with 429 and the budget's numbers, one allowing a disruption is charged
 * (decremented, pod listed in disruptedPods) before the pod is deleted, dry-run changes nothing, a stale status is
 * 429, two budgets are a 500, and pods no budget protects (or terminal or Pending ones) are evicted as before.
 */
class EvictionTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static KubernetesClient client;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        client = server.adminClient();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("a", server.pki.admin().key(), new char[0], server.pki.admin().chain().toArray(java.security.cert.Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(server.pki.trustStore());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    private static HttpResponse<String> evict(String pod, String query) throws Exception {
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\",\"namespace\":\"default\"}}";
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port() + "/api/v1/namespaces/default/pods/"
                + pod + "/eviction" + query)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A pod with the given labels in the given phase (Ready when Running). */
    private static void pod(String name, String app, String phase) {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
        Pod p = client.pods().inNamespace("default").withName(name).get();
        p.setStatus(new PodStatusBuilder().withPhase(phase).addNewCondition().withType("Ready").withStatus("Running".equals(phase) ? "True" : "False")
            .endCondition().build());
        client.pods().inNamespace("default").resource(p).updateStatus();
    }

    private static void budget(String name, String app) {
        client.policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder().withNewMetadata()
            .withName(name).endMetadata().withNewSpec().withMinAvailable(new IntOrString(2)).withNewSelector().addToMatchLabels("app", app)
            .endSelector().endSpec().build()).create();
    }

    /** Sets the budget's status as the disruption controller would. */
    private static void status(String name, long observedGeneration, int allowed, int desired, int current) {
        PodDisruptionBudget pdb = pdb(name);
        pdb.setStatus(new PodDisruptionBudgetStatusBuilder().withObservedGeneration(observedGeneration).withDisruptionsAllowed(allowed)
            .withDesiredHealthy(desired).withCurrentHealthy(current).withExpectedPods(current).build());
        client.policy().v1().podDisruptionBudget().inNamespace("default").resource(pdb).updateStatus();
    }

    private static PodDisruptionBudget pdb(String name) {
        return client.policy().v1().podDisruptionBudget().inNamespace("default").withName(name).get();
    }

    private static boolean evicted(String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
    }

    private static JsonNode status(HttpResponse<String> r, int code, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode s = Json.MAPPER.readTree(r.body());
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        return s;
    }

    @Test
    void budgetRefusesWith429ThenIsChargedBeforeThePodIsDeleted() throws Exception {
        pod("web-1", "web", "Running");
        pod("web-2", "web", "Running");
        budget("web", "web");
        status("web", 1, 0, 2, 2);

        JsonNode refused = status(evict("web-1", ""), 429, "TooManyRequests");
        assertThat(refused.path("message").asText()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
        assertThat(refused.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("DisruptionBudget");
        assertThat(refused.path("details").path("causes").get(0).path("message").asText())
            .isEqualTo("The disruption budget web needs 2 healthy pods and has 2 currently");
        assertThat(evicted("web-1")).isFalse();

        status("web", 1, 1, 2, 3);
        String rvBefore = pdb("web").getMetadata().getResourceVersion();
        assertThat(evict("web-1", "?dryRun=All").statusCode()).isEqualTo(201);
        assertThat(pdb("web").getMetadata().getResourceVersion()).isEqualTo(rvBefore);
        assertThat(pdb("web").getStatus().getDisruptionsAllowed()).isEqualTo(1);
        assertThat(pdb("web").getStatus().getDisruptedPods()).isNullOrEmpty();
        assertThat(evicted("web-1")).isFalse();

        assertThat(evict("web-1", "").statusCode()).isEqualTo(201);
        PodDisruptionBudget charged = pdb("web");
        assertThat(charged.getStatus().getDisruptionsAllowed()).isEqualTo(0);
        assertThat(charged.getStatus().getDisruptedPods()).containsOnlyKeys("web-1");
        assertThat(evicted("web-1")).isTrue();

        // the budget is spent: the next eviction is refused until the controller recomputes it
        status(evict("web-2", ""), 429, "TooManyRequests");
        assertThat(evicted("web-2")).isFalse();
    }

    @Test
    void staleStatusIs429AndTwoBudgetsAre500() throws Exception {
        pod("api-1", "api", "Running");
        budget("api", "api");
        // generation 1, status never observed
        HttpResponse<String> staleResponse = evict("api-1", "");
        JsonNode stale = status(staleResponse, 429, "TooManyRequests");
        assertThat(staleResponse.headers().firstValue("Retry-After")).contains("10");
        assertThat(stale.path("details").path("causes").get(0).path("message").asText())
            .isEqualTo("The disruption budget api is still being processed by the server.");

        status("api", 1, 5, 0, 1);
        budget("api-too", "api");
        status("api-too", 1, 5, 0, 1);
        JsonNode two = status(evict("api-1", ""), 500, "InternalError");
        assertThat(two.path("message").asText()).contains("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        assertThat(evicted("api-1")).isFalse();
        assertThat(pdb("api").getStatus().getDisruptionsAllowed()).isEqualTo(5);
    }

    @Test
    void podsNoBudgetCanProtectAreEvictedAsBefore() throws Exception {
        pod("lone", "lone", "Running");
        assertThat(evict("lone", "").statusCode()).isEqualTo(201);
        assertThat(evicted("lone")).isTrue();

        pod("db-done", "db", "Succeeded");
        pod("db-pending", "db", "Pending");
        budget("db", "db");
        status("db", 1, 0, 2, 0);
        assertThat(evict("db-done", "").statusCode()).isEqualTo(201);
        assertThat(evict("db-pending", "").statusCode()).isEqualTo(201);
        assertThat(evicted("db-done")).isTrue();
        assertThat(evicted("db-pending")).isTrue();
        assertThat(pdb("db").getStatus().getDisruptedPods()).isNullOrEmpty();
    }
}
