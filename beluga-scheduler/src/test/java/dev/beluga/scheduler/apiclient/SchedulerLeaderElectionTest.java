package dev.beluga.scheduler.apiclient;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two schedulers against one API server: one holds the {@code kube-system/kube-scheduler} Lease and schedules; when
 * it stops (releasing the lease) the other takes over and pods keep getting bound.
 */
class SchedulerLeaderElectionTest {
    @TempDir
    Path dir;

    private static KubernetesClient client(TestServer server) throws Exception {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
    }

    private static boolean bound(KubernetesClient c, String pod, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            var p = c.pods().inNamespace("default").withName(pod).get();
            if (p != null && p.getSpec().getNodeName() != null) return true;
            Thread.sleep(50);
        }
        return false;
    }

    private static void pod(KubernetesClient c, String name) {
        c.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().build()).create();
    }

    @Test
    void onlyTheLeaderSchedulesAndTheOtherTakesOverWhenItStops() throws Exception {
        try (TestServer server = new TestServer(dir);
             KubernetesClient test = client(server);
             KubernetesClient clientA = client(server);
             KubernetesClient clientB = client(server);
             HollowNodes nodes = new HollowNodes(test, HollowNodeSpec.of(2, "n").withFakeKubelet(false))) {
            nodes.register();
            SchedulerRunner a = new SchedulerRunner(clientA, SchedulerConfiguration.defaults(), "scheduler-a", true, s -> { });
            a.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (a.current() == null && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(a.current()).as("a leads").isNotNull();
            try (SchedulerRunner b = new SchedulerRunner(clientB, SchedulerConfiguration.defaults(), "scheduler-b", true, s -> { })) {
                b.start();
                pod(test, "first");
                assertThat(bound(test, "first", 30)).isTrue();
                assertThat(b.current()).as("b only follows").isNull();
                assertThat(test.leases().inNamespace("kube-system").withName("kube-scheduler").get().getSpec().getHolderIdentity())
                    .isEqualTo("scheduler-a");

                a.close();
                pod(test, "second");
                assertThat(bound(test, "second", 60)).as("bound after the leader left").isTrue();
                assertThat(b.current()).isNotNull();
                assertThat(test.leases().inNamespace("kube-system").withName("kube-scheduler").get().getSpec().getHolderIdentity())
                    .isEqualTo("scheduler-b");
            }
        }
    }
}
