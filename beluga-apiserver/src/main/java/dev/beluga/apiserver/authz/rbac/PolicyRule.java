package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.authz.Attributes;

import java.util.ArrayList;
import java.util.List;

/**
 * One rule of a Role or ClusterRole ({@code rbac.authorization.k8s.io/v1 PolicyRule}) and whether it allows a request,
 * as upstream's {@code RuleAllows}: verbs and API groups match by equality or {@code *}; resources by equality of
 * {@code resource} or {@code resource/subresource}, {@code *}, or {@code *}{@code /subresource}; resource names, when
 * given, must contain the request's name (so they never match list, watch or create without a name); non-resource URLs
 * by equality, {@code *}, or a prefix ending in {@code *}. Immutable.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
                         List<String> nonResourceURLs) {
    public static final String ALL = "*";

    public PolicyRule {
        verbs = List.copyOf(verbs);
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        resourceNames = List.copyOf(resourceNames);
        nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    /** A resource rule. */
    public static PolicyRule resources(List<String> verbs, List<String> groups, List<String> resources) {
        return new PolicyRule(verbs, groups, resources, List.of(), List.of());
    }

    /** A non-resource rule. */
    public static PolicyRule urls(List<String> verbs, List<String> urls) {
        return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
    }

    /** The same rule limited to {@code names}. */
    public PolicyRule withNames(List<String> names) {
        return new PolicyRule(verbs, apiGroups, resources, names, nonResourceURLs);
    }

    public boolean allows(Attributes a) {
        if (!has(verbs, a.verb())) return false;
        if (!a.resourceRequest()) return urlMatches(a.path());
        return has(apiGroups, a.apiGroup()) && resourceMatches(a.resourceWithSubresource(), a.subresource())
            && (resourceNames.isEmpty() || resourceNames.contains(a.name()));
    }

    private boolean resourceMatches(String combined, String subresource) {
        for (String r : resources) {
            if (r.equals(ALL) || r.equals(combined)) return true;
            if (!subresource.isEmpty() && r.equals("*/" + subresource)) return true;
        }
        return false;
    }

    private boolean urlMatches(String path) {
        for (String u : nonResourceURLs) {
            if (u.equals(ALL) || u.equals(path)) return true;
            if (u.endsWith("*") && path.startsWith(u.substring(0, u.length() - 1))) return true;
        }
        return false;
    }

    private static boolean has(List<String> values, String value) {
        return values.contains(ALL) || values.contains(value);
    }

    /** The rules of a Role or ClusterRole ({@code rules}; absent or null is none). Malformed entries are skipped. */
    public static List<PolicyRule> listFrom(JsonNode rules) {
        List<PolicyRule> out = new ArrayList<>();
        if (rules != null && rules.isArray()) for (JsonNode r : rules) if (r.isObject()) out.add(from(r));
        return out;
    }

    public static PolicyRule from(JsonNode r) {
        return new PolicyRule(strings(r.path("verbs")), strings(r.path("apiGroups")), strings(r.path("resources")),
            strings(r.path("resourceNames")), strings(r.path("nonResourceURLs")));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) for (JsonNode s : n) if (s.isTextual()) out.add(s.asText());
        return out;
    }

    /** The JSON form, leaving out empty lists (as upstream's omitempty). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        put(o, "verbs", verbs, true);
        put(o, "apiGroups", apiGroups, false);
        put(o, "resources", resources, false);
        put(o, "resourceNames", resourceNames, false);
        put(o, "nonResourceURLs", nonResourceURLs, false);
        return o;
    }

    private static void put(ObjectNode o, String field, List<String> values, boolean always) {
        if (values.isEmpty() && !always) return;
        ArrayNode a = o.putArray(field);
        values.forEach(a::add);
    }
}
