package dev.beluga.apiserver;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The string form of a structured label selector ({@code app=web,tier in (a,b),!canary}), as kubectl prints it and
 * the scale subresource reports it. A plain map (a ReplicationController's or Service's selector) is accepted too.
 */
public final class Selectors {
    private Selectors() {
    }

    /** The selector as a string, or {@code <none>} when empty or absent. */
    public static String format(JsonNode sel) {
        String s = formatOrNull(sel);
        return s == null ? "<none>" : s;
    }

    /** The selector as a string, or null when empty or absent. */
    public static String formatOrNull(JsonNode sel) {
        if (sel == null || sel.isMissingNode() || sel.isNull()) return null;
        List<String> parts = new ArrayList<>();
        JsonNode labels = sel.has("matchLabels") || sel.has("matchExpressions") ? sel.path("matchLabels") : sel;
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        sorted.forEach((k, v) -> parts.add(k + "=" + v));
        for (JsonNode req : sel.path("matchExpressions")) {
            String key = req.path("key").asText();
            List<String> values = new ArrayList<>();
            req.path("values").forEach(v -> values.add(v.asText()));
            switch (req.path("operator").asText()) {
                case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> parts.add(key);
                case "DoesNotExist" -> parts.add("!" + key);
                default -> { }
            }
        }
        return parts.isEmpty() ? null : String.join(",", parts);
    }
}
