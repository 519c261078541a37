package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a ResourceQuota applies to an object, by its {@code spec.scopes} and {@code spec.scopeSelector} (upstream's
 * scope matching in the pod evaluator): a quota without scopes applies to every object of its namespace; a scoped
 * quota applies to pods only, and to a pod only when every scope matches it:
 * <ul>
 *   <li>{@code Terminating} / {@code NotTerminating}: {@code spec.activeDeadlineSeconds} set (≥ 0) / not;</li>
 *   <li>{@code BestEffort} / {@code NotBestEffort}: no container (nor init container) requests or limits CPU or
 *       memory / some does;</li>
 *   <li>{@code PriorityClass}: {@code spec.priorityClassName} with {@code In}, {@code NotIn}, {@code Exists} (also
 *       the scope given in {@code spec.scopes}), {@code DoesNotExist};</li>
 *   <li>{@code CrossNamespacePodAffinity}: a pod (anti-)affinity term naming namespaces or a namespace selector.</li>
 * </ul>
 * In a scope selector, {@code DoesNotExist} turns a scope other than {@code PriorityClass} into its opposite.
 * Stateless and thread-safe.
 */
public final class QuotaScopes {
    /** One scope requirement: a name, an operator ({@code Exists} for plain scopes) and values. */
    public record Requirement(String scope, String operator, List<String> values) {
    }

    private QuotaScopes() {
    }

    /** The quota's scope requirements: its {@code spec.scopes} and its selector's expressions. */
    public static List<Requirement> of(JsonNode quota) {
        List<Requirement> out = new ArrayList<>();
        JsonNode spec = quota.path("spec");
        for (JsonNode s : spec.path("scopes")) out.add(new Requirement(s.asText(), "Exists", List.of()));
        for (JsonNode e : spec.path("scopeSelector").path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            for (JsonNode v : e.path("values")) values.add(v.asText());
            out.add(new Requirement(e.path("scopeName").asText(), e.path("operator").asText(), values));
        }
        return out;
    }

    /** Whether {@code quota} applies to {@code obj} of {@code plural} in {@code group}. */
    public static boolean matches(JsonNode quota, String group, String plural, JsonNode obj) {
        List<Requirement> scopes = of(quota);
        if (scopes.isEmpty()) return true;
        if (!group.isEmpty() || !plural.equals("pods")) return false;
        for (Requirement r : scopes) if (!matchesPod(r, obj)) return false;
        return true;
    }

    private static boolean matchesPod(Requirement r, JsonNode pod) {
        JsonNode spec = pod.path("spec");
        if (!r.scope().equals("PriorityClass") && r.operator().equals("DoesNotExist")) {
            return !matchesPod(new Requirement(r.scope(), "Exists", r.values()), pod);
        }
        return switch (r.scope()) {
            case "Terminating" -> terminating(spec);
            case "NotTerminating" -> !terminating(spec);
            case "BestEffort" -> bestEffort(spec);
            case "NotBestEffort" -> !bestEffort(spec);
            case "PriorityClass" -> priorityClass(r, spec.path("priorityClassName").asText(""));
            case "CrossNamespacePodAffinity" -> crossNamespaceAffinity(spec.path("affinity"));
            default -> false;
        };
    }

    private static boolean terminating(JsonNode spec) {
        return spec.hasNonNull("activeDeadlineSeconds") && spec.path("activeDeadlineSeconds").asLong() >= 0;
    }

    /** No container asks for or limits CPU or memory (upstream's BestEffort QoS class). */
    public static boolean bestEffort(JsonNode spec) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : spec.path(list)) {
                JsonNode res = c.path("resources");
                for (String part : new String[] {"requests", "limits"})
                    for (String name : new String[] {"cpu", "memory"}) {
                        Amount a = Amount.parseOrNull(res.path(part).path(name).asText(null));
                        if (a != null && a.value().signum() > 0) return false; // as upstream's QoS: zero asks for nothing
                    }
            }
        }
        return true;
    }

    private static boolean priorityClass(Requirement r, String name) {
        return switch (r.operator()) {
            case "In" -> r.values().contains(name);
            case "NotIn" -> !r.values().contains(name);
            case "Exists" -> !name.isEmpty();
            case "DoesNotExist" -> name.isEmpty();
            default -> false;
        };
    }

    private static boolean crossNamespaceAffinity(JsonNode affinity) {
        for (String kind : new String[] {"podAffinity", "podAntiAffinity"}) {
            JsonNode a = affinity.path(kind);
            for (JsonNode t : a.path("requiredDuringSchedulingIgnoredDuringExecution"))
                if (crossNamespace(t)) return true;
            for (JsonNode w : a.path("preferredDuringSchedulingIgnoredDuringExecution"))
                if (crossNamespace(w.path("podAffinityTerm"))) return true;
        }
        return false;
    }

    private static boolean crossNamespace(JsonNode term) {
        return term.path("namespaces").size() > 0 || term.hasNonNull("namespaceSelector");
    }
}
