package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.Strategy;


/**
 * The DefaultStorageClass admission plugin, as a wrapper around the PersistentVolumeClaim strategy: a claim created
 * without {@code spec.storageClassName} (absent or null — an empty string means "no class" and is kept) and without
 * the legacy {@code volume.beta.kubernetes.io/storage-class} annotation gets the default StorageClass, the one
 * annotated {@code storageclass.kubernetes.io/is-default-class: "true"} (or the beta key); with several, the newest
 * (then the first by name), as upstream. Updates are not touched. Reads StorageClasses from the watch cache once it
 * has caught up with the store (a consistent list, so a class created just before the claim counts); stateless and
 * thread-safe.
 */
final class DefaultStorageClass extends DelegatingStrategy {
    static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";
    private static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private final ResourceRegistry registry;

    DefaultStorageClass(Strategy claims, ResourceRegistry registry) {
        super(claims);
        this.registry = registry;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        super.prepareForCreate(obj);
        ObjectNode spec = Json.with(obj, "spec");
        if (spec.hasNonNull("storageClassName") || obj.path("metadata").path("annotations").has(BETA_CLASS_ANNOTATION)) return;
        String cls = defaultClass();
        if (cls != null) spec.put("storageClassName", cls);
    }

    /** The name of the default StorageClass, or null when none is marked default. */
    String defaultClass() {
        RegistryStore classes = registry.find("storage.k8s.io", "v1", "storageclasses").orElse(null);
        if (classes == null) return null;
        JsonNode best = null;
        for (CachedObject c : classes.list(null, ListOptions.all()).items()) {
            JsonNode meta = c.object().path("metadata");
            JsonNode ann = meta.path("annotations");
            if (!"true".equals(ann.path(DEFAULT_ANNOTATION).asText()) && !"true".equals(ann.path(BETA_DEFAULT_ANNOTATION).asText())) continue;
            if (best == null || newer(meta, best)) best = meta;
        }
        return best == null ? null : best.path("name").asText();
    }

    /** Newest creationTimestamp first (RFC 3339 in UTC sorts as text), then name ascending. */
    private static boolean newer(JsonNode a, JsonNode b) {
        int t = a.path("creationTimestamp").asText("").compareTo(b.path("creationTimestamp").asText(""));
        if (t != 0) return t > 0;
        return a.path("name").asText().compareTo(b.path("name").asText()) < 0;
    }
}
