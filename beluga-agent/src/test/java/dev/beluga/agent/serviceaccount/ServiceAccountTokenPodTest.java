package dev.beluga.agent.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.agent.testing.SingleNodeCluster;
import dev.beluga.controllers.rootca.RootCaCertPublisher;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerManager;
import dev.beluga.controllers.serviceaccount.ServiceAccountController;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service-account tokens in a real pod ({@link SingleNodeCluster}: real containerd, busybox): the service-account
 * controller and the root CA publisher make the {@code default} account and {@code kube-root-ca.crt}, admission injects
 * the projected volume, the agent fetches a pod-bound token, and the container sees
 * {@code /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}} (read-only). The token read from the
 * pod then authenticates against the API server from the host with curl, as the pod's service account, and stops
 * working once the pod is deleted.
 */
class ServiceAccountTokenPodTest {
    private static final String DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SingleNodeCluster cluster;
    private static ControllerManager controllers;

    @BeforeAll
    static void start() throws Exception {
        cluster = SingleNodeCluster.start("satoken", "10.42.11.0/24", Duration.ofSeconds(15), (agent, node) -> agent);
        controllers = new ControllerManager(cluster.client,
            () -> List.<Controller>of(new ServiceAccountController(), new RootCaCertPublisher()), Clock.systemUTC(), "test", false);
        controllers.start();
        assertThat(controllers.awaitRunning(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (controllers != null) controllers.close();
        } finally {
            if (cluster != null) cluster.close();
        }
    }

    private static String curl(Path caFile, String token, String method, String path, String body) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "--cacert", caFile.toString(),
            "-H", "Authorization: Bearer " + token, "-w", "\n%{http_code}", "-X", method));
        if (body != null) cmd.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
        cmd.add(cluster.api.url() + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void thePodSeesItsTokenCaAndNamespaceAndTheTokenAuthenticatesFromTheHost() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((cluster.client.serviceAccounts().inNamespace("default").withName("default").get() == null
            || cluster.client.configMaps().inNamespace("default").withName("kube-root-ca.crt").get() == null) && System.nanoTime() < end)
            Thread.sleep(100);
        Pod created = cluster.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("reader").endMetadata()
            .withNewSpec().withNodeName("node-1").withTerminationGracePeriodSeconds(1L)
            .addToContainers(SingleNodeCluster.busybox("main", "cd " + DIR + " && echo ns=$(cat namespace) && echo token=$(cat token)"
                + " && cat ca.crt && (touch x 2>/dev/null && echo writable || echo read-only) && exec sleep 3600"))
            .endSpec().build()).create();
        assertThat(created.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(created.getSpec().getVolumes()).anyMatch(v -> v.getName().startsWith("kube-api-access-"));

        cluster.awaitPod("default", "reader", p -> "Running".equals(p.getStatus().getPhase()), "Running");
        String log = "";
        end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!log.contains("read-only") && !log.contains("writable") && System.nanoTime() < end) {
            Thread.sleep(200);
            log = cluster.client.pods().inNamespace("default").withName("reader").getLog();
        }
        String ca = new String(cluster.api.pki.caBundlePem(), StandardCharsets.US_ASCII);
        assertThat(log).contains("ns=default\n").contains(ca.strip()).contains("read-only");
        String token = log.lines().filter(l -> l.startsWith("token=")).findFirst().orElseThrow().substring("token=".length());
        assertThat(token.split("\\.")).hasSize(3);

        Path caFile = Files.writeString(cluster.base.resolve("pod-ca.crt"), log.substring(log.indexOf("-----BEGIN"), log.lastIndexOf("-----") + 5) + "\n");
        // authenticated but, under RBAC, allowed nothing until bound: 403; then a RoleBinding to view lets it read pods
        assertThat(curl(caFile, token, "GET", "/api/v1/namespaces/default/pods", null)).endsWith("\n403");
        cluster.client.rbac().roleBindings().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
            .withNewMetadata().withName("default-view").endMetadata()
            .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("view").endRoleRef()
            .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace("default").endSubject().build()).create();
        String pods = "";
        end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!pods.endsWith("\n200") && System.nanoTime() < end) {
            pods = curl(caFile, token, "GET", "/api/v1/namespaces/default/pods", null);
            if (!pods.endsWith("\n200")) Thread.sleep(100);
        }
        assertThat(pods).endsWith("\n200");
        assertThat(pods).contains("\"reader\"");
        String review = curl(caFile, token, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(review).endsWith("\n201");
        JsonNode user = JSON.readTree(review.substring(0, review.lastIndexOf('\n'))).path("status").path("userInfo");
        assertThat(user.path("username").asText()).isEqualTo("system:serviceaccount:default:default");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-name").get(0).asText()).isEqualTo("reader");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-uid").get(0).asText()).isEqualTo(created.getMetadata().getUid());
        assertThat(user.path("extra").path("authentication.kubernetes.io/node-name").get(0).asText()).isEqualTo("node-1");

        cluster.client.pods().inNamespace("default").withName("reader").delete();
        end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.client.pods().inNamespace("default").withName("reader").get() != null && System.nanoTime() < end) Thread.sleep(200);
        assertThat(curl(caFile, token, "GET", "/api/v1/namespaces/default/pods", null)).endsWith("\n401");
    }
}
