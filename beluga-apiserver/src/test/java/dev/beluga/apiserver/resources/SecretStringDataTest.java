package dev.beluga.apiserver.resources;

import dev.beluga.apiserver.testing.TestServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** A Secret's stringData is write-only: merged into data (base64, winning over data's key) on create and update. */
class SecretStringDataTest {
    @TempDir
    Path dir;

    @Test
    void stringDataIsMergedIntoDataAndNotStored() throws Exception {
        try (TestServer server = new TestServer(dir);
             KubernetesClient c = server.adminClient()) {
            Secret created = c.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
                .addToData("kept", b64("old")).addToData("both", b64("from-data"))
                .addToStringData("both", "from-stringData").addToStringData("password", "s3cret").build()).create();
            assertThat(created.getStringData()).isNullOrEmpty();
            assertThat(created.getData()).containsEntry("kept", b64("old")).containsEntry("both", b64("from-stringData"))
                .containsEntry("password", b64("s3cret"));
            assertThat(created.getType()).isEqualTo("Opaque");
            Secret stored = c.secrets().inNamespace("default").withName("s").get();
            assertThat(stored.getStringData()).isNullOrEmpty();
            stored.setStringData(java.util.Map.of("password", "changed"));
            Secret updated = c.secrets().inNamespace("default").resource(stored).update();
            assertThat(updated.getData()).containsEntry("password", b64("changed")).containsEntry("kept", b64("old"));
            assertThat(updated.getStringData()).isNullOrEmpty();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }
}
