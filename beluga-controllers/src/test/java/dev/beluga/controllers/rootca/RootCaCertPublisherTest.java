package dev.beluga.controllers.rootca;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every namespace gets {@code kube-root-ca.crt} with the cluster CA (the one the controller manager's client trusts);
 * a deleted one comes back, a changed one is repaired.
 */
class RootCaCertPublisherTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;
    static String ca;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new RootCaCertPublisher()));
        client = cluster.client;
        ca = new String(cluster.server.pki.caBundlePem(), StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static ConfigMap rootCa(String ns) {
        return client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
    }

    private static boolean published(String ns) {
        ConfigMap cm = rootCa(ns);
        return cm != null && ca.equals(cm.getData().get("ca.crt")) && cm.getData().size() == 1
            && cm.getMetadata().getAnnotations().get("kubernetes.io/description").startsWith("Contains a CA bundle");
    }

    @Test
    void everyNamespaceGetsTheCaBundleAndNewOnesToo() throws Exception {
        assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----");
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) eventually(ns + " published", () -> published(ns));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-x").endMetadata().build()).create();
        eventually("team-x published", () -> published("team-x"));
    }

    @Test
    void aDeletedOrChangedConfigMapIsPutBack() throws Exception {
        eventually("default published", () -> published("default"));
        String uid = rootCa("default").getMetadata().getUid();
        client.configMaps().inNamespace("default").withName("kube-root-ca.crt").delete();
        eventually("re-created", () -> published("default") && !rootCa("default").getMetadata().getUid().equals(uid));

        client.configMaps().inNamespace("default").withName("kube-root-ca.crt").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"data\":{\"ca.crt\":\"forged\",\"extra\":\"x\"}}");
        eventually("repaired", () -> published("default"));
    }
}
