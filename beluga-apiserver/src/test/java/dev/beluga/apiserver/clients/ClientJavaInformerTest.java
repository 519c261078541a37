package dev.beluga.apiserver.clients;

import dev.beluga.apiserver.testing.TestServer;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The official Java client (client-java 22): CRUD and a shared informer over list + chunked watch. */
class ClientJavaInformerTest {
    @TempDir
    Path dir;

    @Test
    void informerSeesAddsUpdatesAndDeletes() throws Exception {
        try (TestServer server = new TestServer(dir)) {
            ApiClient client;
            try (FileReader r = new FileReader(server.kubeconfig.toFile())) {
                client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
            }
            client.setReadTimeout(0);
            CoreV1Api core = new CoreV1Api(client);
            core.createNamespacedConfigMap("default", new V1ConfigMap().metadata(new V1ObjectMeta().name("one")).data(Map.of("v", "1"))).execute();
            List<String> events = new CopyOnWriteArrayList<>();
            SharedInformerFactory factory = new SharedInformerFactory(client);
            GenericKubernetesApi<V1ConfigMap, V1ConfigMapList> api =
                new GenericKubernetesApi<>(V1ConfigMap.class, V1ConfigMapList.class, "", "v1", "configmaps", client);
            SharedIndexInformer<V1ConfigMap> informer = factory.sharedIndexInformerFor(api, V1ConfigMap.class, 0, "default");
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(V1ConfigMap obj) {
                    events.add("add " + obj.getMetadata().getName());
                }

                @Override
                public void onUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) {
                    events.add("update " + newObj.getMetadata().getName() + "=" + newObj.getData().get("v"));
                }

                @Override
                public void onDelete(V1ConfigMap obj, boolean unknown) {
                    events.add("delete " + obj.getMetadata().getName());
                }
            });
            factory.startAllRegisteredInformers();
            try {
                await(events, "add one");
                core.createNamespacedConfigMap("default", new V1ConfigMap().metadata(new V1ObjectMeta().name("two")).data(Map.of("v", "1"))).execute();
                V1ConfigMap two = core.readNamespacedConfigMap("two", "default").execute();
                two.getData().put("v", "2");
                core.replaceNamespacedConfigMap("two", "default", two).execute();
                core.deleteNamespacedConfigMap("one", "default").execute();
                await(events, "add two");
                await(events, "update two=2");
                await(events, "delete one");
                assertThat(informer.getIndexer().list()).extracting(c -> c.getMetadata().getName()).containsExactly("two");
            } finally {
                factory.stopAllRegisteredInformers();
            }
        }
    }

    private static void await(List<String> events, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!events.contains(expected)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no event \"" + expected + "\" in " + events);
            Thread.sleep(20);
        }
    }
}
