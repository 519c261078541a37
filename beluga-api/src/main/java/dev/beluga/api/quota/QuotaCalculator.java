package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A ResourceQuota's usage computed from the objects of its namespace: for every resource in its {@code spec.hard},
 * the sum of what the objects it applies to ({@link QuotaScopes}) use ({@link QuotaUsage}); every hard resource gets
 * an entry, zero when nothing uses it. Used by the API server when a quota is created or its limits change, and by
 * the resource quota controller when it recalculates. Stateless and thread-safe; the source decides how fresh the
 * objects are.
 */
public final class QuotaCalculator {
    /** The objects of one type in one namespace. */
    @FunctionalInterface
    public interface ObjectSource {
        /** The objects of {@code plural} in {@code group} ("" for core) in {@code namespace}; empty for an unknown type. */
        List<? extends JsonNode> list(String group, String plural, String namespace);
    }

    /** A resource type: its API group ("" for core) and plural name. */
    public record TypeRef(String group, String plural) {
    }

    private QuotaCalculator() {
    }

    /** The hard limits of a quota's spec. */
    public static Map<String, Amount> hard(JsonNode quota) {
        return PodResourceSums.quantities(quota.path("spec").path("hard"));
    }

    /** The quota's {@code status.used} as stored (resources it lacks are missing). */
    public static Map<String, Amount> used(JsonNode quota) {
        return PodResourceSums.quantities(quota.path("status").path("used"));
    }

    /** The type whose objects use the quota resource {@code name}. */
    public static TypeRef typeOf(String name) {
        if (name.startsWith("count/")) {
            String rest = name.substring("count/".length());
            int dot = rest.indexOf('.');
            return dot < 0 ? new TypeRef("", rest) : new TypeRef(rest.substring(dot + 1), rest.substring(0, dot));
        }
        if (name.equals("requests.storage") || name.equals("persistentvolumeclaims") || name.contains(".storageclass.storage.k8s.io/"))
            return new TypeRef("", "persistentvolumeclaims");
        if (name.equals("services") || name.startsWith("services.")) return new TypeRef("", "services");
        if (Set.of("configmaps", "secrets", "replicationcontrollers", "resourcequotas").contains(name)) return new TypeRef("", name);
        return new TypeRef("", "pods");
    }

    /** The usage of every resource in the quota's {@code spec.hard}, from the objects {@code source} lists. */
    public static Map<String, Amount> calculate(JsonNode quota, ObjectSource source, Instant now) {
        Map<String, Amount> hard = hard(quota);
        Set<TypeRef> types = new LinkedHashSet<>();
        for (String name : hard.keySet()) types.add(typeOf(name));
        String namespace = quota.path("metadata").path("namespace").asText();
        Map<String, Amount> used = new TreeMap<>();
        for (String name : hard.keySet()) used.put(name, hard.get(name).binary() ? new Amount(java.math.BigDecimal.ZERO, true) : Amount.ZERO);
        for (TypeRef t : types) {
            for (JsonNode obj : source.list(t.group(), t.plural(), namespace)) {
                if (!QuotaScopes.matches(quota, t.group(), t.plural(), obj)) continue;
                QuotaUsage.of(t.group(), t.plural(), obj, now).forEach((name, amount) -> {
                    if (used.containsKey(name) && typeOf(name).equals(t)) used.merge(name, amount, Amount::plus);
                });
            }
        }
        return used;
    }
}
