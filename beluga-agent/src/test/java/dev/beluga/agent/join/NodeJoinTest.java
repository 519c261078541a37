package dev.beluga.agent.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.KeyStores;
import dev.beluga.pki.NodeToken;
import dev.beluga.pki.SubjectAltNames;
import dev.beluga.pki.X509Identity;
import io.fabric8.kubernetes.api.model.NodeBuilder;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node joining a real API server by token from a data directory of its own (no access to the server's PKI): the CA
 * pinned by the token's hash, its own certificates, reuse on later starts, and the refusals.
 */
class NodeJoinTest {
    @TempDir
    static Path serverDir;
    private static TestServer server;

    @TempDir
    Path agentDir;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withNodeBootstrap(serverDir, "127.0.0.1", "join-secret-of-the-test");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private NodeJoin.Request request(String node, NodeToken token, String... addresses) throws Exception {
        List<InetAddress> ips = new java.util.ArrayList<>();
        for (String a : addresses) ips.add(InetAddress.getByName(a));
        return new NodeJoin.Request(server.url(), token, node, ips, agentDir);
    }

    private static JsonNode whoami(NodeCredentials creds) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(creds.client().toKeyStore(new char[0]), new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(creds.cas()));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(ctx).build().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/apis/authentication.k8s.io/v1/selfsubjectreviews")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"SelfSubjectReview\",\"apiVersion\":\"authentication.k8s.io/v1\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("status").path("userInfo");
    }

    @Test
    void joinsWithTheTokenAndWritesItsOwnCredentials() throws Exception {
        NodeCredentials creds = NodeJoin.credentials(request("worker-1", server.token, "192.0.2.21"), Clock.systemUTC());

        assertThat(creds.caBundlePem()).isEqualTo(server.pki.caBundlePem());
        assertThat(X509Identity.fromCertificate(creds.client().certificate()))
            .isEqualTo(new X509Identity("system:node:worker-1", List.of("system:nodes")));
        assertThat(SubjectAltNames.of(creds.serving().certificate())).isEqualTo(SubjectAltNames.of(List.of("worker-1"),
            List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("192.0.2.21"))));
        assertThat(Files.readAllBytes(agentDir.resolve("tls/ca.crt"))).isEqualTo(server.pki.caBundlePem());
        for (String secret : List.of("tls/client.key", "tls/serving.key", "kubeconfig.yaml", "node-password"))
            assertThat(Files.getPosixFilePermissions(agentDir.resolve(secret))).as(secret).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(agentDir.resolve("kubeconfig.yaml"))).contains(server.url()).doesNotContain(server.token.secret());

        // the API server knows the node as itself, and the kubeconfig works for a client library
        JsonNode user = whoami(creds);
        assertThat(user.path("username").asText()).isEqualTo("system:node:worker-1");
        assertThat(user.path("groups").toString()).contains("system:nodes");
        try (KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(agentDir.resolve("kubeconfig.yaml")))).build()) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1").endMetadata().build()).create();
            assertThat(client.nodes().withName("worker-1").get()).isNotNull();
        }
    }

    @Test
    void laterStartsReuseTheCredentialsWithoutTheTokenOrTheServer() throws Exception {
        NodeCredentials first = NodeJoin.credentials(request("worker-2", server.token, "192.0.2.22"), Clock.systemUTC());
        String password = Files.readString(agentDir.resolve("node-password"));
        // another URL that nothing listens on: reuse must not need the server
        NodeCredentials again = NodeJoin.credentials(new NodeJoin.Request("https://127.0.0.1:1", null, "worker-2",
            List.of(InetAddress.getByName("192.0.2.22")), agentDir), Clock.systemUTC());
        assertThat(again.client().certificate()).isEqualTo(first.client().certificate());
        assertThat(again.serving().certificate()).isEqualTo(first.serving().certificate());
        assertThat(Files.readString(agentDir.resolve("kubeconfig.yaml"))).contains("https://127.0.0.1:1");
        assertThat(NodeJoin.credentials(request("worker-2", server.token, "192.0.2.22"), Clock.systemUTC()).client().certificate())
            .isEqualTo(first.client().certificate());
        assertThat(Files.readString(agentDir.resolve("node-password"))).isEqualTo(password);
    }

    @Test
    void joinsAgainWhenTheAddressesChangeOrTheCertificatesExpired() throws Exception {
        NodeCredentials first = NodeJoin.credentials(request("worker-3", server.token, "192.0.2.23"), Clock.systemUTC());
        assertThatThrownBy(() -> NodeJoin.credentials(request("worker-3", null, "192.0.2.99"), Clock.systemUTC()))
            .isInstanceOf(JoinException.class).hasMessageContaining("--token").hasMessageContaining("192.0.2.99");
        NodeCredentials moved = NodeJoin.credentials(request("worker-3", server.token, "192.0.2.99"), Clock.systemUTC());
        assertThat(moved.serving().certificate()).isNotEqualTo(first.serving().certificate());
        assertThat(SubjectAltNames.of(moved.serving().certificate()).ipAddresses()).contains(InetAddress.getByName("192.0.2.99"));

        Clock nearEnd = Clock.fixed(Instant.now().plus(Duration.ofDays(340)), ZoneOffset.UTC);
        assertThat(moved.problem("worker-3", List.of(InetAddress.getByName("192.0.2.99")), server.token, nearEnd.instant()))
            .as("still valid: renewed by the certificate managers, not by a new join").isEmpty();
        Clock late = Clock.fixed(Instant.now().plus(Duration.ofDays(366)), ZoneOffset.UTC);
        assertThat(moved.problem("worker-3", List.of(InetAddress.getByName("192.0.2.99")), server.token, late.instant()))
            .hasValueSatisfying(p -> assertThat(p).contains("expired"));
        NodeCredentials renewed = NodeJoin.credentials(request("worker-3", server.token, "192.0.2.99"), late);
        assertThat(renewed.client().certificate()).isNotEqualTo(moved.client().certificate());
        // same machine, same node password: the server lets it have its name again
        assertThat(X509Identity.fromCertificate(renewed.client().certificate()).user()).isEqualTo("system:node:worker-3");
    }

    @Test
    void aTokenForAnotherCaIsRefusedBeforeAnythingIsSentOrWritten() throws Exception {
        NodeToken wrong = NodeToken.parse("K10" + "ab".repeat(32) + "::node:" + server.token.secret());
        assertThatThrownBy(() -> NodeJoin.credentials(request("worker-4", wrong), Clock.systemUTC()))
            .isInstanceOf(JoinException.class)
            .hasMessageContaining("ab".repeat(32))
            .hasMessageContaining(server.token.caHash())
            .hasMessageNotContaining(server.token.secret());
        try (var files = Files.list(agentDir)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThatThrownBy(() -> server.api.registry().get("", "v1", "secrets").get("kube-system", "worker-4.node-password.beluga", null))
            .isInstanceOf(dev.beluga.apiserver.StatusException.class);
    }

    @Test
    void aWrongSecretIsRefusedWith401() throws Exception {
        NodeToken wrong = NodeToken.forCa(server.pki.caBundlePem(), "not-the-secret");
        assertThatThrownBy(() -> NodeJoin.credentials(request("worker-5", wrong), Clock.systemUTC()))
            .isInstanceOf(JoinException.class).hasMessageContaining("401").hasMessageContaining("secret")
            .satisfies(e -> assertThat(((JoinException) e).httpStatus()).isEqualTo(401));
        assertThat(agentDir.resolve("kubeconfig.yaml")).doesNotExist();
        assertThat(agentDir.resolve("tls")).doesNotExist();
    }

    @Test
    void anotherMachineCannotTakeAJoinedNodesName(@TempDir Path otherMachine) throws Exception {
        NodeJoin.credentials(request("worker-6", server.token), Clock.systemUTC());
        assertThatThrownBy(() -> NodeJoin.credentials(new NodeJoin.Request(server.url(), server.token, "worker-6", List.of(), otherMachine),
            Clock.systemUTC())).isInstanceOf(JoinException.class).hasMessageContaining("403").hasMessageContaining("node password");
    }

    @Test
    void aServerCertificateWithoutTheHostIsRefusedWithAHint(@TempDir Path otherServer) throws Exception {
        try (TestServer s = TestServer.withNodeBootstrap(otherServer, "127.0.0.2", "another-secret")) {
            assertThatThrownBy(() -> NodeJoin.credentials(new NodeJoin.Request(s.url(), s.token, "worker-7", List.of(), agentDir),
                Clock.systemUTC())).isInstanceOf(JoinException.class).hasMessageContaining("does not name 127.0.0.2")
                .hasMessageContaining("--tls-san 127.0.0.2");
        }
    }

    @Test
    void theServerUrlMustBeHttpsWithoutAPath() {
        assertThatThrownBy(() -> NodeJoin.checkServer("http://10.0.0.1:6443")).isInstanceOf(JoinException.class).hasMessageContaining("https");
        assertThatThrownBy(() -> NodeJoin.checkServer("https://10.0.0.1:6443/api")).isInstanceOf(JoinException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> NodeJoin.checkServer("10.0.0.1:6443")).isInstanceOf(JoinException.class);
    }
}
