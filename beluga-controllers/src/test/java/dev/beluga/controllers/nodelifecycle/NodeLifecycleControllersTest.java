package dev.beluga.controllers.nodelifecycle;

import dev.beluga.controllers.nodeipam.NodeIpamController;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import dev.beluga.controllers.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node lifecycle with a fake clock: a node whose kubelet went quiet becomes Unknown and tainted unreachable; pods
 * are evicted after their toleration time (or at once without one, or never with an unlimited one); a node that
 * reports Ready again loses the taints; nodes get distinct pod CIDRs.
 */
class NodeLifecycleControllersTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new NodeLifecycleController(), new TaintEvictionController(),
            new NodeIpamController()), clock);
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void node(String name) {
        String now = clock.instant().toString();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus()
            .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").withLastHeartbeatTime(now)
            .withLastTransitionTime(now).endCondition().endStatus().build()).create();
    }

    private static Pod pod(String name, String node, Long unreachableSeconds, boolean tolerateForever) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
            .addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec();
        if (tolerateForever) b.editSpec().addNewToleration().withKey(Taints.UNREACHABLE).withOperator("Exists").withEffect("NoExecute").endToleration().endSpec();
        else if (unreachableSeconds != null) b.editSpec().addNewToleration().withKey(Taints.UNREACHABLE).withOperator("Exists")
            .withEffect("NoExecute").withTolerationSeconds(unreachableSeconds).endToleration().endSpec();
        return client.pods().inNamespace("default").resource(b.build()).create();
    }

    private static boolean gone(String pod) {
        Pod p = client.pods().inNamespace("default").withName(pod).get();
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
    }

    private static List<Taint> taints(String node) {
        Node n = client.nodes().withName(node).get();
        return n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
    }

    @Test
    void aSilentNodeBecomesUnknownIsTaintedAndItsPodsAreEvictedByToleration() throws Exception {
        node("quiet");
        pod("no-toleration", "quiet", null, false);
        pod("tolerates-60s", "quiet", 60L, false);
        pod("tolerates-forever", "quiet", null, true);
        clock.advance(Duration.ofSeconds(41));
        eventually("Ready=Unknown", () -> "Unknown".equals(NodeLifecycleController.condition(client.nodes().withName("quiet").get(), "Ready").getStatus()));
        assertThat(NodeLifecycleController.condition(client.nodes().withName("quiet").get(), "Ready").getReason()).isEqualTo("NodeStatusUnknown");
        eventually("unreachable taints", () -> taints("quiet").stream().filter(t -> Taints.UNREACHABLE.equals(t.getKey())).count() == 2);

        // the API server's defaulting gives a pod without tolerations 300 s of unreachable
        Pod defaulted = client.pods().inNamespace("default").withName("no-toleration").get();
        Long defaultSeconds = defaulted.getSpec().getTolerations() == null ? null : defaulted.getSpec().getTolerations().stream()
            .filter(t -> Taints.UNREACHABLE.equals(t.getKey())).map(io.fabric8.kubernetes.api.model.Toleration::getTolerationSeconds)
            .findFirst().orElse(null);

        clock.advance(Duration.ofSeconds(61));
        eventually("evicted after its 60 s", () -> gone("tolerates-60s"));
        if (defaultSeconds == null) {
            eventually("evicted at once without toleration", () -> gone("no-toleration"));
        } else {
            assertThat(gone("no-toleration")).as("still within its default %s s", defaultSeconds).isFalse();
            clock.advance(Duration.ofSeconds(defaultSeconds));
            eventually("evicted after the default toleration", () -> gone("no-toleration"));
        }
        assertThat(gone("tolerates-forever")).isFalse();

        Node n = client.nodes().withName("quiet").get();
        String now = clock.instant().toString();
        n.getStatus().getConditions().removeIf(c -> "Ready".equals(c.getType()));
        n.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready").withStatus("True")
            .withReason("KubeletReady").withLastHeartbeatTime(now).withLastTransitionTime(now).build());
        client.nodes().resource(n).updateStatus();
        eventually("taints removed", () -> taints("quiet").stream().noneMatch(t -> Taints.UNREACHABLE.equals(t.getKey())));
    }

    @Test
    void nodesGetDistinctPodCidrs() throws Exception {
        node("ipam-a");
        node("ipam-b");
        eventually("both have a CIDR", () -> client.nodes().withName("ipam-a").get().getSpec().getPodCIDR() != null
            && client.nodes().withName("ipam-b").get().getSpec().getPodCIDR() != null);
        String a = client.nodes().withName("ipam-a").get().getSpec().getPodCIDR();
        String b = client.nodes().withName("ipam-b").get().getSpec().getPodCIDR();
        assertThat(a).isNotEqualTo(b).startsWith("10.42.").endsWith("/24");
        assertThat(b).startsWith("10.42.").endsWith("/24");
    }
}
