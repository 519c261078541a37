package dev.beluga.api.client;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ManagedFieldsTrimmingStoreTest {
    @Test
    void keepsObjectsUnderTheirNamespaceKeyWithoutManagedFields() {
        ManagedFieldsTrimmingStore<Pod> store = new ManagedFieldsTrimmingStore<>();
        Pod pod = new PodBuilder().withNewMetadata().withNamespace("default").withName("web").addToLabels("app", "web")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build()).endMetadata().build();
        store.put(store.getKey(pod), pod);
        Pod kept = store.get("default/web");
        assertThat(kept.getMetadata().getManagedFields()).isNull();
        assertThat(kept.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(store.size()).isEqualTo(1);
    }
}
