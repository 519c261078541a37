package dev.beluga.controllers.gc;

import dev.beluga.controllers.namespace.NamespaceController;
import dev.beluga.controllers.replicaset.ReplicaSetController;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.serviceaccount.ServiceAccountController;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The garbage collector (background, foreground, orphan), the namespace controller (deleting a namespace deletes
 * its contents, then the namespace) and the service-account controller, against a real API server.
 */
class LifecycleControllersTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(ReplicaSetController.replicaSets(),
            new GarbageCollector(), new NamespaceController(), new ServiceAccountController()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static ReplicaSet rs(String ns, String name, int replicas) {
        return client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName(name)
            .withNamespace(ns).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name)
            .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
            .addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    private static List<Pod> pods(String ns, String app) {
        return client.pods().inNamespace(ns).withLabel("app", app).list().getItems();
    }

    private static void namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    @Test
    void backgroundDeletionCollectsTheDependents() throws Exception {
        rs("default", "bg", 2);
        eventually("2 pods", () -> pods("default", "bg").size() == 2);
        client.apps().replicaSets().inNamespace("default").withName("bg").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        eventually("pods collected", () -> pods("default", "bg").isEmpty());
    }

    @Test
    void orphanDeletionKeepsTheDependentsWithoutTheirOwnerReference() throws Exception {
        rs("default", "orphans", 2);
        eventually("2 pods", () -> pods("default", "orphans").size() == 2);
        client.apps().replicaSets().inNamespace("default").withName("orphans").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        eventually("owner gone", () -> client.apps().replicaSets().inNamespace("default").withName("orphans").get() == null);
        eventually("pods orphaned", () -> pods("default", "orphans").stream().allMatch(p ->
            p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().isEmpty()));
        assertThat(pods("default", "orphans")).hasSize(2);
    }

    @Test
    void foregroundDeletionRemovesTheDependentsFirst() throws Exception {
        rs("default", "fg", 2);
        eventually("2 pods", () -> pods("default", "fg").size() == 2);
        client.apps().replicaSets().inNamespace("default").withName("fg").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        eventually("owner and pods gone", () -> client.apps().replicaSets().inNamespace("default").withName("fg").get() == null
            && pods("default", "fg").isEmpty());
    }

    @Test
    void deletingANamespaceDeletesItsContentsAndThenTheNamespace() throws Exception {
        namespace("doomed");
        client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").endMetadata()
            .addToData("k", "v").build()).create();
        rs("doomed", "app", 1);
        eventually("a pod", () -> pods("doomed", "app").size() == 1);
        client.namespaces().withName("doomed").delete();
        eventually("namespace gone", () -> client.namespaces().withName("doomed").get() == null);
        assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
        assertThat(client.pods().inNamespace("doomed").list().getItems()).isEmpty();
    }

    @Test
    void everyNamespaceGetsADefaultServiceAccount() throws Exception {
        namespace("fresh");
        eventually("default service account", () -> client.serviceAccounts().inNamespace("fresh").withName("default").get() != null);
        client.serviceAccounts().inNamespace("fresh").withName("default").delete();
        eventually("re-created", () -> {
            var sa = client.serviceAccounts().inNamespace("fresh").withName("default").get();
            return sa != null && sa.getMetadata().getDeletionTimestamp() == null;
        });
    }
}
