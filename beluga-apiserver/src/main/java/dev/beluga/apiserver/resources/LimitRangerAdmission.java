package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.Strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * The LimitRanger admission plugin, as a wrapper around the Pod and PersistentVolumeClaim strategies
 * ({@link LimitRanges} does the work): a pod being created gets the container defaults of its namespace's
 * LimitRanges (the first range to default a resource wins) and its {@code status.qosClass} again, then every range
 * checks it; a claim is checked on create and on update (unless it is being deleted). The first range a pod or claim
 * violates refuses it with 403 Forbidden and upstream's message. Reads LimitRanges from the watch cache; stateless
 * and thread-safe.
 */
final class LimitRangerAdmission extends DelegatingStrategy {
    /** The watch cache as it is (as upstream's informer-fed plugin): a pod create does not wait for the store. */
    private static final ListOptions CACHED = new ListOptions(null, null, 0, null, "0", null, false, null, null);
    private final ResourceRegistry registry;
    private final boolean pods;

    private LimitRangerAdmission(Strategy inner, ResourceRegistry registry, boolean pods) {
        super(inner);
        this.registry = registry;
        this.pods = pods;
    }

    static Strategy forPods(Strategy pods, ResourceRegistry registry) {
        return new LimitRangerAdmission(pods, registry, true);
    }

    static Strategy forClaims(Strategy claims, ResourceRegistry registry) {
        return new LimitRangerAdmission(claims, registry, false);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        super.prepareForCreate(obj);
        admit(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        super.prepareForUpdate(obj, old);
        // pods' containers are immutable; a claim may grow, unless it is on its way out
        if (!pods && !old.path("metadata").hasNonNull("deletionTimestamp")) check(obj, ranges(obj));
    }

    private void admit(ObjectNode obj) {
        List<JsonNode> ranges = ranges(obj);
        if (ranges.isEmpty()) return;
        if (pods) {
            boolean defaulted = false;
            for (JsonNode range : ranges) {
                List<String> pieces = LimitRanges.applyDefaults(obj, range);
                LimitRanges.annotate(obj, pieces); // as upstream, the last range that defaulted something names it
                defaulted |= !pieces.isEmpty();
            }
            if (defaulted && obj.get("status") instanceof ObjectNode status)
                status.put("qosClass", PodSpecs.qosClass(obj.path("spec")));
        }
        check(obj, ranges);
    }

    private void check(ObjectNode obj, List<JsonNode> ranges) {
        for (JsonNode range : ranges) {
            List<String> violations = pods ? LimitRanges.podViolations(obj, range) : LimitRanges.claimViolations(obj, range);
            if (!violations.isEmpty())
                throw StatusException.forbidden("", pods ? "pods" : "persistentvolumeclaims", name(obj), LimitRanges.message(violations));
        }
    }

    private List<JsonNode> ranges(ObjectNode obj) {
        RegistryStore store = registry.find("", "v1", "limitranges").orElse(null);
        String namespace = obj.path("metadata").path("namespace").asText("");
        if (store == null || namespace.isEmpty()) return List.of();
        List<JsonNode> out = new ArrayList<>();
        for (CachedObject c : store.list(namespace, CACHED).items()) out.add(c.object());
        return out;
    }

    private static String name(ObjectNode obj) {
        JsonNode meta = obj.path("metadata");
        String n = meta.path("name").asText("");
        if (n.isEmpty()) n = meta.path("generateName").asText("");
        return n.isEmpty() ? "Unknown" : n;
    }
}
