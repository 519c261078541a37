package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.store.KvStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every served resource type with its {@link RegistryStore}, in discovery order (groups as registered, core first).
 * Built once at start; read-only afterwards and safe to share.
 */
public final class ResourceRegistry {
    private final Map<String, RegistryStore> byPath = new LinkedHashMap<>(); // "group/version/plural"
    private final List<ResourceType> types = new ArrayList<>();
    private final KvStore store;
    private final Clock clock;

    public ResourceRegistry(KvStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public RegistryStore register(ResourceType type) {
        RegistryStore rs = new RegistryStore(type, store, clock, this::namespace);
        byPath.put(type.group() + "/" + type.version() + "/" + type.plural(), rs);
        types.add(type);
        return rs;
    }

    /** Starts every watch cache (lists the store once per type). */
    public void start() {
        byPath.values().parallelStream().forEach(RegistryStore::start);
    }

    public Optional<RegistryStore> find(String group, String version, String plural) {
        return Optional.ofNullable(byPath.get(group + "/" + version + "/" + plural));
    }

    public RegistryStore get(String group, String version, String plural) {
        return find(group, version, plural).orElseThrow(() -> new IllegalStateException("no " + group + "/" + version + "/" + plural));
    }

    public List<ResourceType> types() {
        return List.copyOf(types);
    }

    public List<RegistryStore> stores() {
        return List.copyOf(byPath.values());
    }

    /** Group names in order, core ("") first. */
    public List<String> groups() {
        List<String> out = new ArrayList<>();
        for (ResourceType t : types) if (!out.contains(t.group())) out.add(t.group());
        return out;
    }

    public List<String> versions(String group) {
        List<String> out = new ArrayList<>();
        for (ResourceType t : types) if (t.group().equals(group) && !out.contains(t.version())) out.add(t.version());
        return out;
    }

    public List<ResourceType> types(String group, String version) {
        return types.stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    }

    /** The Namespace object named {@code name} from the cache, or null. */
    ObjectNode namespace(String name) {
        RegistryStore ns = byPath.get("/v1/namespaces");
        if (ns == null) return null;
        CachedObject c = ns.cache().get(ns.type().storageKey(null, name));
        if (c != null) return c.object();
        try {
            return ns.get(null, name, null);
        } catch (dev.beluga.apiserver.StatusException e) {
            return null;
        }
    }

    public KvStore store() {
        return store;
    }
}
