package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small helpers shared by the table printers. */
final class Cells {
    private Cells() {
    }

    static String text(JsonNode n, String... path) {
        JsonNode c = n;
        for (String p : path) c = c.path(p);
        return c.isMissingNode() || c.isNull() ? null : c.asText();
    }

    static long num(JsonNode n, String... path) {
        JsonNode c = n;
        for (String p : path) c = c.path(p);
        return c.asLong(0);
    }

    static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    /** "k=v,k2=v2" of a map node, sorted by key. */
    static String labels(JsonNode map) {
        if (map == null || !map.isObject() || map.isEmpty()) return "<none>";
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    static String selector(JsonNode sel) {
        return dev.beluga.apiserver.Selectors.format(sel);
    }

    static int count(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? 0 : n.size();
    }
}
