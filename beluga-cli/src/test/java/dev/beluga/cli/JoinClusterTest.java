package dev.beluga.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real agent joining by token: {@code beluga agent --server URL} in a network namespace with the token in its
 * environment and a data directory of its own (nothing of the server's), registering its Node, acting as
 * {@code system:node:<name>}, serving the kubelet API with the certificate the server signed for it, and reusing its
 * credentials when it restarts. Needs root and containerd (skipped otherwise); cleans up as {@link NetnsCluster} does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JoinClusterTest {
    static NetnsCluster cluster;
    static Path nodeDir;

    @BeforeAll
    static void start() throws Exception {
        NetnsCluster.assumeSupported();
        cluster = NetnsCluster.start(1, "join");
        nodeDir = cluster.dir.resolve("nodes/node-1");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void theNodeJoinedWithTheTokenAndActsAsItself() throws Exception {
        AgentProcess agent = cluster.agents.getFirst();
        assertThat(agent.command()).contains("--server").doesNotContain("--kubeconfig", "--cluster-pki-dir", "--token");
        assertThat(String.join(" ", agent.command())).doesNotContain(cluster.server.nodeToken().secret())
            .doesNotContain(cluster.server.dataDir().toString());
        for (String f : java.util.List.of("kubeconfig.yaml", "node-password", "tls/ca.crt", "tls/client.crt", "tls/client.key",
            "tls/serving.crt", "tls/serving.key"))
            assertThat(nodeDir.resolve(f)).as(f).exists();
        assertThat(Files.readString(agent.log())).doesNotContain(cluster.server.nodeToken().secret());

        JsonNode who = new ObjectMapper().readTree(cluster.kubectlWith(nodeDir.resolve("kubeconfig.yaml"), "auth", "whoami", "-o", "json"));
        assertThat(who.path("status").path("userInfo").path("username").asText()).isEqualTo("system:node:node-1");
        assertThat(who.path("status").path("userInfo").path("groups").toString()).contains("system:nodes");

        Node node = cluster.client.nodes().withName("node-1").get();
        assertThat(node.getStatus().getAddresses()).anyMatch(a -> a.getType().equals("InternalIP")
            && a.getAddress().equals(cluster.net.nodes().getFirst().ip()));
    }

    @Test
    @Order(2)
    void theKubeletApiServesWithTheCertificateTheServerSigned() throws Exception {
        cluster.kubectl("run", "joined", "--image=busybox:1.35", "--restart=Never", "--", "echo", "hello from a joined node");
        cluster.awaitPhase("joined", "Succeeded", Duration.ofSeconds(90));
        assertThat(cluster.kubectl("logs", "joined")).contains("hello from a joined node");
        cluster.kubectl("delete", "pod", "joined", "--wait=true");
    }

    @Test
    @Order(3)
    void aRestartReusesTheCredentials() throws Exception {
        byte[] client = Files.readAllBytes(nodeDir.resolve("tls/client.crt"));
        byte[] serving = Files.readAllBytes(nodeDir.resolve("tls/serving.crt"));
        AgentProcess agent = cluster.agents.getFirst();
        agent.stop(Duration.ofSeconds(60));
        cluster.agents.set(0, agent.startAgain());
        NetnsCluster.await(Duration.ofSeconds(90), () -> {
            try {
                String log = Files.readString(agent.log());
                return log.split("Beluga agent running", -1).length == 3;
            } catch (java.io.IOException e) {
                return false;
            }
        }, "the agent running again");
        assertThat(Files.readString(agent.log())).contains("reusing the node credentials");
        assertThat(Files.readAllBytes(nodeDir.resolve("tls/client.crt"))).isEqualTo(client);
        assertThat(Files.readAllBytes(nodeDir.resolve("tls/serving.crt"))).isEqualTo(serving);
        assertThat(cluster.kubectlWith(nodeDir.resolve("kubeconfig.yaml"), "get", "node", "node-1")).contains("node-1");
    }
}
