package dev.beluga.scheduler.apiclient;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduler's binding call against a real API server: a repeated binding to the same node is not a failure. */
class ApiPodWriterTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    private Pod pod(String name) {
        return client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
    }

    @Test
    void bindingAgainToTheSameNodeSucceedsAndToAnotherNodeConflicts() throws Exception {
        ApiPodWriter writer = new ApiPodWriter(client);
        Pod pod = pod("bound-twice");
        writer.bind(pod, "node-a");
        // as when the client retried a POST whose answer was lost: the pod is where the scheduler wanted it
        writer.bind(pod, "node-a");
        assertThat(client.pods().inNamespace("default").withName("bound-twice").get().getSpec().getNodeName()).isEqualTo("node-a");
        assertThatThrownBy(() -> writer.bind(pod, "node-b"))
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    }

    @Test
    void aPodReCreatedUnderTheSameNameIsNotTakenAsBound() throws Exception {
        ApiPodWriter writer = new ApiPodWriter(client);
        Pod old = pod("recreated");
        client.pods().inNamespace("default").withName("recreated").withGracePeriod(0).delete();
        while (client.pods().inNamespace("default").withName("recreated").get() != null) Thread.sleep(10);
        Pod fresh = pod("recreated");
        writer.bind(fresh, "node-a");
        // the old pod's binding carries the old UID: refused, and the UID check keeps it from counting as done
        assertThatThrownBy(() -> writer.bind(old, "node-a")).isInstanceOf(KubernetesClientException.class);
    }
}
