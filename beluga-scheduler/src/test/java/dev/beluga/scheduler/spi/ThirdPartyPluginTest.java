package dev.beluga.scheduler.spi;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import dev.beluga.scheduler.apiclient.SchedulerRunner;
import dev.beluga.scheduler.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plugin from outside Beluga's code (a ServiceLoader provider on the class path) is enabled through a
 * KubeSchedulerConfiguration file, with args, and decides where pods go; a configuration naming an unknown plugin
 * is refused.
 */
class ThirdPartyPluginTest {
    @TempDir
    Path dir;

    @Test
    void aServiceLoaderPluginEnabledInTheConfigurationFiltersNodes() throws Exception {
        Path config = dir.resolve("scheduler.yaml");
        Files.writeString(config, """
            apiVersion: kubescheduler.config.k8s.io/v1
            kind: KubeSchedulerConfiguration
            profiles:
            - schedulerName: default-scheduler
              plugins:
                filter:
                  enabled: [{name: GreenNodesOnly}]
              pluginConfig:
              - name: GreenNodesOnly
                args: {colour: blue}
            """);
        try (TestServer server = new TestServer(dir.resolve("server"));
             KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build()) {
            HollowNodes plain = new HollowNodes(client, HollowNodeSpec.of(3, "plain").withFakeKubelet(false));
            HollowNodes blue = new HollowNodes(client, HollowNodeSpec.of(1, "blue").withFakeKubelet(false).withLabels(Map.of("colour", "blue")));
            plain.register();
            blue.register();
            try (SchedulerRunner runner = new SchedulerRunner(client, ConfigLoader.load(config), "test", false, s -> { })) {
                runner.start();
                for (int i = 0; i < 3; i++) {
                    client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p" + i).endMetadata()
                        .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().build()).create();
                }
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline && client.pods().inNamespace("default").list().getItems().stream()
                    .anyMatch(p -> p.getSpec().getNodeName() == null)) Thread.sleep(50);
                for (Pod p : client.pods().inNamespace("default").list().getItems())
                    assertThat(p.getSpec().getNodeName()).as(p.getMetadata().getName()).isEqualTo("blue-0");
            }
            plain.close();
            blue.close();
        }
    }

    @Test
    void aConfigurationNamingAnUnknownPluginIsRefused() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
            apiVersion: kubescheduler.config.k8s.io/v1
            kind: KubeSchedulerConfiguration
            profiles:
            - schedulerName: default-scheduler
              plugins:
                filter:
                  enabled: [{name: NoSuchPlugin}]
            """);
        assertThatThrownBy(() -> dev.beluga.scheduler.Scheduler.builder().configuration(ConfigLoader.load(config)).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoSuchPlugin");
    }
}
