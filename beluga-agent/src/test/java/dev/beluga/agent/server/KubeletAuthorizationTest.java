package dev.beluga.agent.server;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.KeyStores;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet API authorized by the API server (SubjectAccessReviews from the agent's node identity), under the API
 * server's default Node,RBAC: the API server's kubelet client certificate may do everything, a node's or a user's
 * certificate of the same CA nothing.
 */
class KubeletAuthorizationTest {
    @TempDir
    static Path dir;
    private static TestServer api;
    private static KubernetesClient nodeClient;
    private static KubeletServer kubelet;

    @BeforeAll
    static void start() throws Exception {
        api = new TestServer(dir.resolve("api"));
        Path nodeConfig = dir.resolve("node.yaml");
        dev.beluga.pki.Kubeconfig.write(nodeConfig, dev.beluga.pki.Kubeconfig.withClientCertificate(api.url(), api.pki.caCertificate(),
            api.pki.ca().issueClient("system:node:node-1", List.of("system:nodes"), Duration.ofHours(1))));
        nodeClient = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(nodeConfig))).build();
        var serving = KubeletServingCertificate.issue(api.pki.ca(), "node-1", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
        kubelet = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, new KubeletTls(serving, List.of(api.pki.caCertificate()))),
            (ns, pod, container, previous) -> new LogLocation.PodNotFound())
            .withAuthorization("node-1", SubjectAccessReviewAuthorizer.of(nodeClient));
        kubelet.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) kubelet.close();
        if (nodeClient != null) nodeClient.close();
        if (api != null) api.close();
    }

    private static HttpResponse<String> get(String user, List<String> groups, String path) throws Exception {
        char[] pw = "pw".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(api.pki.ca().issueClient(user, groups, Duration.ofHours(1)).toKeyStore(pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(List.of(api.pki.caCertificate())));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (HttpClient c = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + kubelet.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theApiServersKubeletClientIsAllowed() throws Exception {
        assertThat(get("kube-apiserver-kubelet-client", List.of(), "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> logs = get("kube-apiserver-kubelet-client", List.of(), "/containerLogs/ns/p/c");
        assertThat(logs.statusCode()).isEqualTo(404); // through authorization to the (empty) log locator
        assertThat(get("kube-apiserver-kubelet-client", List.of(), "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void nodesAndUsersOfTheSameCaAreRefused() throws Exception {
        HttpResponse<String> node = get("system:node:node-1", List.of("system:nodes"), "/containerLogs/ns/p/c");
        assertThat(node.statusCode()).isEqualTo(403);
        assertThat(node.body()).isEqualTo("Forbidden (user=system:node:node-1, verb=get, resource=nodes, subresource=proxy)");
        HttpResponse<String> user = get("alice", List.of(), "/metrics/resource");
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(user.body()).isEqualTo("Forbidden (user=alice, verb=get, resource=nodes, subresource=metrics)");
        assertThat(get("alice", List.of(), "/exec/ns/p/c?command=sh").statusCode()).isEqualTo(403);
        // cluster-admin may (system:masters is always allowed by the API server)
        assertThat(get("root", List.of("system:masters"), "/healthz").statusCode()).isEqualTo(200);
    }
}
