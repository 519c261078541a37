package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defaulting and validation of LimitRange objects, as upstream's {@code SetDefaults_LimitRangeItem} and
 * {@code ValidateLimitRange}: a Container item's {@code default} takes {@code max} where unset, its
 * {@code defaultRequest} takes {@code default}, else {@code min}; items must have distinct standard types, a Pod item
 * no defaults, a PersistentVolumeClaim item a storage min or max, and for every resource
 * min ≤ defaultRequest ≤ default ≤ max and 1 ≤ maxLimitRequestRatio. Stateless and thread-safe.
 */
final class LimitRangeRules {
    private static final List<String> TYPES = List.of("Container", "Pod", "PersistentVolumeClaim");

    private LimitRangeRules() {
    }

    static void defaults(ObjectNode range) {
        for (JsonNode item : range.path("spec").path("limits")) {
            if (!(item instanceof ObjectNode i) || !"Container".equals(i.path("type").asText())) continue;
            copyMissing(i, "max", "default");
            copyMissing(i, "default", "defaultRequest");
            copyMissing(i, "min", "defaultRequest");
        }
    }

    private static void copyMissing(ObjectNode item, String from, String to) {
        JsonNode source = item.path(from);
        if (!source.isObject() || source.isEmpty()) return;
        ObjectNode target = Json.with(item, to);
        source.fields().forEachRemaining(e -> {
            if (!target.has(e.getKey())) target.set(e.getKey(), e.getValue().deepCopy());
        });
    }

    static void validate(ObjectNode range, FieldErrors errors) {
        Set<String> seen = new HashSet<>();
        JsonNode limits = range.path("spec").path("limits");
        for (int n = 0; n < limits.size(); n++) {
            JsonNode item = limits.get(n);
            String path = "spec.limits[" + n + "]";
            String type = item.path("type").asText("");
            if (!seen.add(type)) errors.duplicate(path + ".type", type);
            if (!TYPES.contains(type) && !type.contains("/"))
                errors.invalid(path + ".type", type, "must be a standard limit type or fully qualified");
            if (type.equals("Pod")) {
                if (item.path("default").size() > 0) errors.forbidden(path + ".default", "may not be specified when `type` is 'Pod'");
                if (item.path("defaultRequest").size() > 0) errors.forbidden(path + ".defaultRequest", "may not be specified when `type` is 'Pod'");
            }
            if (type.equals("PersistentVolumeClaim") && !item.path("min").has("storage") && !item.path("max").has("storage"))
                errors.required(path + ".limits", "either minimum or maximum storage value is required, but neither was provided");
            Map<String, Amount> min = amounts(item, "min", path, errors);
            Map<String, Amount> max = amounts(item, "max", path, errors);
            Map<String, Amount> def = amounts(item, "default", path, errors);
            Map<String, Amount> defReq = amounts(item, "defaultRequest", path, errors);
            Map<String, Amount> ratio = amounts(item, "maxLimitRequestRatio", path, errors);
            min.forEach((k, v) -> {
                if (max.containsKey(k) && v.compareTo(max.get(k)) > 0)
                    errors.invalid(path + ".min[" + k + "]", v.toString(), "min value " + v + " is greater than max value " + max.get(k));
            });
            defReq.forEach((k, v) -> {
                if (min.containsKey(k) && min.get(k).compareTo(v) > 0)
                    errors.invalid(path + ".defaultRequest[" + k + "]", v.toString(), "min value " + min.get(k) + " is greater than default request value " + v);
                if (max.containsKey(k) && v.compareTo(max.get(k)) > 0)
                    errors.invalid(path + ".defaultRequest[" + k + "]", v.toString(), "default request value " + v + " is greater than max value " + max.get(k));
                if (def.containsKey(k) && v.compareTo(def.get(k)) > 0)
                    errors.invalid(path + ".defaultRequest[" + k + "]", v.toString(), "default request value " + v + " is greater than default limit value " + def.get(k));
            });
            def.forEach((k, v) -> {
                if (min.containsKey(k) && min.get(k).compareTo(v) > 0)
                    errors.invalid(path + ".default[" + k + "]", v.toString(), "min value " + min.get(k) + " is greater than default value " + v);
                if (max.containsKey(k) && v.compareTo(max.get(k)) > 0)
                    errors.invalid(path + ".default[" + k + "]", v.toString(), "default value " + v + " is greater than max value " + max.get(k));
            });
            ratio.forEach((k, v) -> {
                if (v.compareTo(Amount.ONE) < 0)
                    errors.invalid(path + ".maxLimitRequestRatio[" + k + "]", v.toString(), "ratio " + v + " is less than 1");
            });
        }
    }

    private static Map<String, Amount> amounts(JsonNode item, String field, String path, FieldErrors errors) {
        Map<String, Amount> out = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.path(field).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount a = Amount.parseOrNull(e.getValue().asText(null));
            if (a == null) {
                errors.invalid(path + "." + field + "[" + e.getKey() + "]", e.getValue().asText(),
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            } else if (a.value().signum() < 0) {
                errors.invalid(path + "." + field + "[" + e.getKey() + "]", e.getValue().asText(), "must be greater than or equal to 0");
            } else {
                out.put(e.getKey(), a);
            }
        }
        return out;
    }
}
