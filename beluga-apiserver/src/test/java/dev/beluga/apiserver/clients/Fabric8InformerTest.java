package dev.beluga.apiserver.clients;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.store.embedded.EmbeddedStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fabric8 client (JDK HTTP client, WebSocket watches) against a started API server: CRUD, an informer that sees
 * adds, updates and deletes, and that keeps working across a server restart during which the store changed (its
 * watch then gets 410 Expired and it relists).
 */
class Fabric8InformerTest {
    @TempDir
    Path dir;

    @Test
    void informerFollowsChangesAcrossRestartAndExpiry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestServer server = new TestServer(dir, port);
        List<String> events = new CopyOnWriteArrayList<>();
        Config config = Config.fromKubeconfig(Files.readString(server.kubeconfig));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.configMaps().inNamespace("default").resource(cm("first", "1")).create();
            SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("default").inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap obj) {
                    events.add("add " + obj.getMetadata().getName());
                }

                @Override
                public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion()))
                        events.add("update " + newObj.getMetadata().getName() + "=" + newObj.getData().get("v"));
                }

                @Override
                public void onDelete(ConfigMap obj, boolean unknown) {
                    events.add("delete " + obj.getMetadata().getName());
                }
            }, 0);
            awaitEvent(events, "add first");
            client.configMaps().inNamespace("default").resource(cm("second", "1")).create();
            client.configMaps().inNamespace("default").withName("second").edit(c -> {
                c.getData().put("v", "2");
                return c;
            });
            client.configMaps().inNamespace("default").withName("first").delete();
            awaitEvent(events, "add second");
            awaitEvent(events, "update second=2");
            awaitEvent(events, "delete first");
            assertThat(client.configMaps().inNamespace("default").withName("second").get().getData()).containsEntry("v", "2");

            // restart; while the server is down the store moves on, so the informer's resourceVersion is too old
            server.close();
            try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("db"))) {
                store.put("/registry/core/configmaps/default/while-down".getBytes(UTF_8), ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                    + "\"metadata\":{\"name\":\"while-down\",\"namespace\":\"default\",\"uid\":\"00000000-0000-0000-0000-000000000001\","
                    + "\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"data\":{\"v\":\"x\"}}").getBytes(UTF_8));
            }
            server = new TestServer(dir, port);
            awaitEvent(events, "add while-down");
            client.configMaps().inNamespace("default").resource(cm("after", "1")).create();
            awaitEvent(events, "add after");
            assertThat(informer.getStore().list()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("second", "while-down", "after");
            informer.close();
        } finally {
            server.close();
        }
    }

    private static ConfigMap cm(String name, String v) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("v", v).build();
    }

    private static void awaitEvent(List<String> events, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!events.contains(expected)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no event \"" + expected + "\" in " + events);
            Thread.sleep(20);
        }
    }
}
