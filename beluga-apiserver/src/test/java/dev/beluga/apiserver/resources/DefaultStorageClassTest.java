package dev.beluga.apiserver.resources;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default StorageClass {@code local-path} the API server creates at start (once: an edited class survives a
 * restart), and the DefaultStorageClass admission of claims: a claim without a class gets the default, "" and explicit
 * classes are kept, the legacy class annotation opts out, no default leaves the class unset, and of several defaults
 * the newest wins.
 */
class DefaultStorageClassTest {
    @TempDir
    Path dir;

    private static KubernetesClient client(TestServer server) throws Exception {
        return server.adminClient();
    }

    private static PersistentVolumeClaim claim(String name, String cls, Map<String, String> annotations) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("default").withAnnotations(annotations)
            .endMetadata().withNewSpec().withStorageClassName(cls).withAccessModes("ReadWriteOnce")
            .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build();
    }

    private static String createdClass(KubernetesClient c, String name, String cls, Map<String, String> annotations) {
        return c.persistentVolumeClaims().inNamespace("default").resource(claim(name, cls, annotations)).create().getSpec().getStorageClassName();
    }

    @Test
    void bootstrapCreatesTheLocalPathClassOnceAndAdmissionDefaultsClaims() throws Exception {
        try (TestServer server = new TestServer(dir); KubernetesClient c = client(server)) {
            StorageClass sc = c.storage().v1().storageClasses().withName("local-path").get();
            assertThat(sc).isNotNull();
            assertThat(sc.getProvisioner()).isEqualTo("rancher.io/local-path");
            assertThat(sc.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
            assertThat(sc.getReclaimPolicy()).isEqualTo("Delete");
            assertThat(sc.getMetadata().getAnnotations()).containsEntry("storageclass.kubernetes.io/is-default-class", "true");

            assertThat(createdClass(c, "plain", null, null)).isEqualTo("local-path");
            assertThat(createdClass(c, "none", "", null)).as("\"\" means no class").isEmpty();
            assertThat(createdClass(c, "explicit", "manual", null)).isEqualTo("manual");
            assertThat(createdClass(c, "legacy", null, Map.of("volume.beta.kubernetes.io/storage-class", "old"))).isNull();

            // an update does not default the class (the claim with "" keeps it; spec is otherwise unchanged)
            PersistentVolumeClaim none = c.persistentVolumeClaims().inNamespace("default").withName("none").get();
            none.getMetadata().setLabels(Map.of("x", "y"));
            assertThat(c.persistentVolumeClaims().inNamespace("default").resource(none).update().getSpec().getStorageClassName()).isEmpty();

            // the admin edits the class: no longer default
            c.storage().v1().storageClasses().withName("local-path").edit(s -> {
                s.getMetadata().setAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "false"));
                return s;
            });
            assertThat(createdClass(c, "nodefault", null, null)).isNull();
        }
        try (TestServer server = new TestServer(dir); KubernetesClient c = client(server)) {
            StorageClass sc = c.storage().v1().storageClasses().withName("local-path").get();
            assertThat(sc.getMetadata().getAnnotations()).as("an existing class is not recreated at start")
                .containsEntry("storageclass.kubernetes.io/is-default-class", "false");
        }
    }

    @Test
    void ofSeveralDefaultClassesTheNewestWins() throws Exception {
        try (TestServer server = new TestServer(dir); KubernetesClient c = client(server)) {
            Thread.sleep(1100); // creation timestamps have whole seconds
            c.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("fast")
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner("example.com/fast").build()).create();
            assertThat(createdClass(c, "newest", null, null)).isEqualTo("fast");
            c.storage().v1().storageClasses().withName("fast").delete();
            assertThat(c.storage().v1().storageClasses().withName("fast").get()).isNull();
            assertThat(createdClass(c, "back", null, null)).isEqualTo("local-path");
        }
    }
}
