package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks of upstream's quota admission for one quota and one object, with its messages: what the object adds to
 * the quota's limited resources, whether a pod names every compute resource the quota limits ("must specify"), and
 * whether the addition stays within {@code spec.hard}. Stateless and thread-safe.
 */
public final class QuotaCheck {
    /** Resources a pod's every container must state when a quota limits them (upstream's validation set). */
    private static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory");

    private QuotaCheck() {
    }

    /**
     * What the quota is charged: of the resources the quota limits, those the object uses more of than {@code old}
     * did (a create: {@code old} empty), by how much. Empty when nothing grows.
     */
    public static Map<String, Amount> charge(Map<String, Amount> hard, Map<String, Amount> usage, Map<String, Amount> old) {
        Map<String, Amount> out = new TreeMap<>();
        usage.forEach((name, amount) -> {
            if (!hard.containsKey(name)) return;
            Amount grows = amount.minus(old.getOrDefault(name, Amount.ZERO));
            if (grows.value().signum() > 0) out.put(name, grows);
        });
        return out;
    }

    /**
     * For a pod a quota applies to: the message when a container does not state a compute resource the quota limits,
     * as upstream's {@code must specify limits.cpu for: app,init; requests.memory for: app}; null when all are stated.
     */
    public static String missingSpecification(Map<String, Amount> hard, JsonNode pod) {
        Map<String, TreeSet<String>> missing = new TreeMap<>();
        for (String name : hard.keySet()) {
            if (!MUST_SPECIFY.contains(name)) continue;
            String part = name.startsWith("limits.") ? "limits" : "requests";
            String resource = name.substring(name.indexOf('.') + 1);
            for (String list : new String[] {"containers", "initContainers"})
                for (JsonNode c : pod.path("spec").path(list))
                    if (!c.path("resources").path(part).has(resource))
                        missing.computeIfAbsent(name, k -> new TreeSet<>()).add(c.path("name").asText());
        }
        if (missing.isEmpty()) return null;
        StringJoiner parts = new StringJoiner("; ");
        missing.forEach((name, containers) -> parts.add(name + " for: " + String.join(",", containers)));
        return "must specify " + parts;
    }

    /**
     * The message when charging {@code charge} to a quota that has used {@code used} of {@code hard} exceeds it, as
     * upstream's {@code exceeded quota: NAME, requested: r=1, used: r=2, limited: r=2} (only the exceeded resources,
     * sorted); null when it fits.
     */
    public static String exceeded(String quotaName, Map<String, Amount> hard, Map<String, Amount> used, Map<String, Amount> charge) {
        List<String> over = new ArrayList<>();
        charge.forEach((name, amount) -> {
            Amount limit = hard.get(name);
            if (limit == null) return; // the quota stopped limiting it since the charge was worked out
            if (used.getOrDefault(name, Amount.ZERO).plus(amount).compareTo(limit) > 0) over.add(name);
        });
        if (over.isEmpty()) return null;
        return "exceeded quota: " + quotaName + ", requested: " + print(charge, over) + ", used: " + print(used, over)
            + ", limited: " + print(hard, over);
    }

    /** {@code a=1,b=2Gi} of the named entries, sorted, zero for a missing one (upstream's {@code prettyPrint}). */
    public static String print(Map<String, Amount> values, List<String> names) {
        StringJoiner j = new StringJoiner(",");
        for (String n : new TreeSet<>(names)) j.add(n + "=" + values.getOrDefault(n, Amount.ZERO));
        return j.toString();
    }

    /** {@code used} plus {@code charge} (a negative charge gives back), never below zero. */
    public static Map<String, Amount> add(Map<String, Amount> used, Map<String, Amount> charge) {
        Map<String, Amount> out = new TreeMap<>(used);
        charge.forEach((name, amount) -> {
            Amount sum = out.getOrDefault(name, Amount.ZERO).plus(amount);
            out.put(name, sum.value().signum() < 0 ? Amount.ZERO : sum);
        });
        return out;
    }
}
