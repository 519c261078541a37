package dev.beluga.apiserver.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.api.quota.QuotaCalculator;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects of a namespace from the API server's watch caches, for quota checks and calculations: either as the cache
 * holds them now ({@link #cached}: no wait for the store, what an informer would see) or once the cache has caught up
 * with the store ({@link #consistent}). Thread-safe.
 */
final class RegistryObjects implements QuotaCalculator.ObjectSource {
    /** A list of whatever the cache holds, without waiting for it to reach the store's newest revision. */
    static final ListOptions CACHED = new ListOptions(null, null, 0, null, "0", null, false, null, null);

    private final ResourceRegistry registry;
    private final ListOptions options;
    private final Map<String, Optional<RegistryStore>> stores = new ConcurrentHashMap<>();

    private RegistryObjects(ResourceRegistry registry, ListOptions options) {
        this.registry = registry;
        this.options = options;
    }

    static RegistryObjects cached(ResourceRegistry registry) {
        return new RegistryObjects(registry, CACHED);
    }

    static RegistryObjects consistent(ResourceRegistry registry) {
        return new RegistryObjects(registry, ListOptions.all());
    }

    /** The store of {@code plural} in {@code group}, whatever its version; null when the server has none. */
    RegistryStore store(String group, String plural) {
        return stores.computeIfAbsent(group + "/" + plural, k -> {
            for (RegistryStore s : registry.stores())
                if (s.type().group().equals(group) && s.type().plural().equals(plural)) return Optional.of(s);
            return Optional.empty();
        }).orElse(null);
    }

    @Override
    public List<JsonNode> list(String group, String plural, String namespace) {
        RegistryStore s = store(group, plural);
        if (s == null || !s.type().namespaced()) return List.of();
        List<JsonNode> out = new ArrayList<>();
        for (CachedObject c : s.list(namespace, options).items()) out.add(c.object());
        return out;
    }
}
