package dev.beluga.apiserver.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.api.quota.QuotaCalculator;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Objects of a namespace as the API server's watch caches hold them now (no wait for the store: what an informer
 * would see), for quota checks and calculations. Thread-safe.
 */
final class RegistryObjects implements QuotaCalculator.ObjectSource {
    /** A list of whatever the cache holds, without waiting for it to reach the store's newest revision. */
    static final ListOptions CACHED = new ListOptions(null, null, 0, null, "0", null, false, null, null);

    private final ResourceRegistry registry;

    RegistryObjects(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The store of {@code plural} in {@code group}, whatever its version; null when the server has none. */
    RegistryStore store(String group, String plural) {
        for (RegistryStore s : registry.stores())
            if (s.type().group().equals(group) && s.type().plural().equals(plural)) return s;
        return null;
    }

    @Override
    public List<JsonNode> list(String group, String plural, String namespace) {
        RegistryStore s = store(group, plural);
        if (s == null || !s.type().namespaced()) return List.of();
        List<JsonNode> out = new ArrayList<>();
        for (CachedObject c : s.list(namespace, CACHED).items()) out.add(c.object());
        return out;
    }
}
