package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.registry.FieldErrors;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation of resource quantities ("100m", "128Mi", "1.5", "2e3"), as upstream's resource.Quantity parses them. */
final class Quantities {
    private static final Pattern QUANTITY =
        Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\\d+))?");

    private Quantities() {
    }

    static boolean valid(String q) {
        return q != null && QUANTITY.matcher(q).matches();
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
    }
}
