package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code beluga server} runs the scheduler in-process by default (pods get bound, the scheduler holds the
 * {@code kube-system/kube-scheduler} Lease and exports its metrics), and not with {@code --disable-scheduler}.
 */
class ServerSchedulesPodsTest {
    @TempDir
    Path dir;

    private ServerCommand.Running start(String... extra) throws Exception {
        ServerCommand cmd = new ServerCommand();
        cmd.disableAgent = true;
        String[] args = new String[extra.length + 4];
        args[0] = "--data-dir";
        args[1] = dir.resolve("data").toString();
        args[2] = "--https-port";
        args[3] = "0";
        System.arraycopy(extra, 0, args, 4, extra.length);
        CliRunner.bind(cmd, args);
        return cmd.start();
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().build();
    }

    private static String boundNode(KubernetesClient c, String name, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Pod p = c.pods().inNamespace("default").withName(name).get();
            if (p != null && p.getSpec().getNodeName() != null) return p.getSpec().getNodeName();
            Thread.sleep(50);
        }
        return null;
    }

    @Test
    void theEmbeddedSchedulerBindsPodsAndLeads() throws Exception {
        try (ServerCommand.Running server = start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(2, "n").withFakeKubelet(false))) {
            nodes.register();
            client.pods().inNamespace("default").resource(pod("web")).create();
            assertThat(boundNode(client, "web", Duration.ofSeconds(60))).startsWith("n-");
            assertThat(client.leases().inNamespace("kube-system").withName("kube-scheduler").get().getSpec().getHolderIdentity())
                .isEqualTo(ControlPlaneComponents.identity(server.dataDir()));
            assertThat(client.raw("/metrics")).contains("scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"} 1.0");
        }
    }

    @Test
    void aReplicaSetsPodsAreCreatedByTheControllersAndBoundByTheScheduler() throws Exception {
        try (ServerCommand.Running server = start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(3, "n"))) {
            nodes.register();
            client.apps().replicaSets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withReplicas(3).withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                var rs = client.apps().replicaSets().inNamespace("default").withName("web").get();
                if (rs.getStatus() != null && Integer.valueOf(3).equals(rs.getStatus().getReadyReplicas())) break;
                Thread.sleep(100);
            }
            // created by the replicaset controller, bound by the scheduler, made Ready by the hollow kubelet
            assertThat(client.apps().replicaSets().inNamespace("default").withName("web").get().getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(client.pods().inNamespace("default").withLabel("app", "web").list().getItems())
                .hasSize(3).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).startsWith("n-"));
        }
    }

    @Test
    void withDisableSchedulerPodsStayPending() throws Exception {
        try (ServerCommand.Running server = start("--disable-scheduler");
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(1, "n").withFakeKubelet(false))) {
            nodes.register();
            client.pods().inNamespace("default").resource(pod("idle")).create();
            assertThat(boundNode(client, "idle", Duration.ofSeconds(3))).isNull();
            assertThat(client.leases().inNamespace("kube-system").withName("kube-scheduler").get()).isNull();
        }
    }
}
