package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.apiserver.registry.FieldErrors;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validation of resource quantities ("100m", "128Mi", "1.5", "2e3"), as upstream's resource.Quantity parses them (an
 * exponent beyond what a 64-bit quantity means is refused), and of requests against limits.
 */
final class Quantities {
    private static final Pattern QUANTITY =
        Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\\d+))?");

    private Quantities() {
    }

    static boolean valid(String q) {
        return q != null && QUANTITY.matcher(q).matches() && Amount.parseOrNull(q) != null;
    }

    static void validateResources(JsonNode resources, String path, FieldErrors errors) {
        for (String part : new String[] {"limits", "requests"}) {
            JsonNode m = resources.path(part);
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String v = e.getValue().asText();
                if (!valid(v)) errors.invalid(path + "." + part + "[" + e.getKey() + "]", v,
                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
                else if (v.startsWith("-")) errors.invalid(path + "." + part + "[" + e.getKey() + "]", v, "must be greater than or equal to 0");
            }
        }
        // as upstream: a request may not exceed the limit of the same resource
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.path("requests").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount request = Amount.parseOrNull(e.getValue().asText(null));
            Amount limit = Amount.parseOrNull(resources.path("limits").path(e.getKey()).asText(null));
            if (request != null && limit != null && request.compareTo(limit) > 0)
                errors.invalid(path + ".requests[" + e.getKey() + "]", request.toString(),
                    "must be less than or equal to " + e.getKey() + " limit of " + limit);
        }
    }
}
