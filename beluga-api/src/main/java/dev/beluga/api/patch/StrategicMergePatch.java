package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes strategic merge patch: like a JSON merge patch, except that lists marked with a merge key (containers by
 * name, ports by containerPort, ...) are merged element by element, primitive lists with the merge strategy
 * (finalizers) are unioned, and the directives {@code $patch} (replace, delete, merge), {@code $setElementOrder/F},
 * {@code $deleteFromPrimitiveList/F} and {@code $retainKeys} are honoured.
 */
public final class StrategicMergePatch {
    private static final String SET_ORDER = "$setElementOrder/";
    private static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /** Returns the patched object; the inputs are not modified. */
    public static JsonNode apply(JsonNode original, JsonNode patch, PatchMeta meta) {
        if (!patch.isObject()) throw new PatchException("a strategic merge patch must be a JSON object");
        JsonNode out = mergeObject(original, (ObjectNode) patch, meta == null ? PatchMeta.NONE : meta, new ArrayList<>());
        return out == null ? JsonNodeFactory.instance.objectNode() : out;
    }

    /** Null means "delete this object" ({@code $patch: delete}). */
    private static JsonNode mergeObject(JsonNode original, ObjectNode patch, PatchMeta meta, List<String> path) {
        String directive = patch.path("$patch").asText(null);
        if ("delete".equals(directive)) return null;
        if ("replace".equals(directive)) {
            ObjectNode copy = patch.deepCopy();
            copy.remove("$patch");
            return stripDirectives(copy);
        }
        ObjectNode result = original != null && original.isObject() ? ((ObjectNode) original).deepCopy() : JsonNodeFactory.instance.objectNode();
        Map<String, JsonNode> orders = new HashMap<>();
        Map<String, JsonNode> deletions = new HashMap<>();
        JsonNode retain = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("$patch")) continue;
            if (k.equals("$retainKeys")) {
                retain = v;
                continue;
            }
            if (k.startsWith(SET_ORDER)) {
                orders.put(k.substring(SET_ORDER.length()), v);
                continue;
            }
            if (k.startsWith(DELETE_PRIMITIVE)) {
                deletions.put(k.substring(DELETE_PRIMITIVE.length()), v);
                continue;
            }
            List<String> child = new ArrayList<>(path);
            child.add(k);
            if (v.isNull()) {
                result.remove(k);
            } else if (v.isObject()) {
                JsonNode merged = mergeObject(result.get(k), (ObjectNode) v, meta, child);
                if (merged == null) result.remove(k);
                else result.set(k, merged);
            } else if (v.isArray()) {
                result.set(k, mergeList(result.get(k), (ArrayNode) v, meta, child));
            } else {
                result.set(k, v.deepCopy());
            }
        }
        for (Map.Entry<String, JsonNode> d : deletions.entrySet()) {
            JsonNode list = result.get(d.getKey());
            if (!(list instanceof ArrayNode arr)) continue;
            Set<JsonNode> remove = new HashSet<>();
            d.getValue().forEach(remove::add);
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            for (JsonNode n : arr) if (!remove.contains(n)) kept.add(n);
            result.set(d.getKey(), kept);
        }
        for (Map.Entry<String, JsonNode> o : orders.entrySet()) {
            List<String> child = new ArrayList<>(path);
            child.add(o.getKey());
            JsonNode list = result.get(o.getKey());
            if (list instanceof ArrayNode arr) result.set(o.getKey(), order(arr, o.getValue(), meta.strategy(child).mergeKey()));
        }
        if (retain != null && retain.isArray()) {
            Set<String> keep = new HashSet<>();
            retain.forEach(n -> keep.add(n.asText()));
            List<String> names = new ArrayList<>();
            result.fieldNames().forEachRemaining(names::add);
            for (String n : names) if (!keep.contains(n)) result.remove(n);
        }
        return result;
    }

    private static JsonNode mergeList(JsonNode original, ArrayNode patch, PatchMeta meta, List<String> path) {
        PatchMeta.ListStrategy s = meta.strategy(path);
        if (!s.merge()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode n : patch) {
                if (n.isObject() && n.has("$patch")) continue;
                out.add(n.isObject() ? stripDirectives(((ObjectNode) n).deepCopy()) : n.deepCopy());
            }
            return out;
        }
        ArrayNode orig = original instanceof ArrayNode a ? a : JsonNodeFactory.instance.arrayNode();
        if (s.mergeKey() == null) {
            ArrayNode out = orig.deepCopy();
            Set<JsonNode> present = new HashSet<>();
            orig.forEach(present::add);
            for (JsonNode n : patch) if (present.add(n)) out.add(n.deepCopy());
            return out;
        }
        for (JsonNode n : patch)
            if (n.isObject() && "replace".equals(n.path("$patch").asText(null))) {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                for (JsonNode m : patch) if (!(m.isObject() && m.has("$patch") && m.size() == 1)) out.add(stripDirectives(((ObjectNode) m).deepCopy()));
                return out;
            }
        String key = s.mergeKey();
        List<JsonNode> result = new ArrayList<>();
        orig.forEach(n -> result.add(n.deepCopy()));
        for (JsonNode item : patch) {
            if (!item.isObject()) {
                result.add(item.deepCopy());
                continue;
            }
            JsonNode k = item.get(key);
            int idx = -1;
            if (k != null) for (int i = 0; i < result.size(); i++) if (k.equals(result.get(i).get(key))) {
                idx = i;
                break;
            }
            if ("delete".equals(item.path("$patch").asText(null))) {
                if (k != null) result.removeIf(n -> k.equals(n.get(key)));
                continue;
            }
            if (idx >= 0) {
                JsonNode merged = mergeObject(result.get(idx), (ObjectNode) item, meta, path);
                if (merged == null) result.remove(idx);
                else result.set(idx, merged);
            } else {
                JsonNode added = mergeObject(null, (ObjectNode) item, meta, path);
                if (added != null) result.add(added);
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        result.forEach(out::add);
        return out;
    }

    /** Orders a merged list as {@code $setElementOrder} says; elements it does not name keep their place after. */
    private static ArrayNode order(ArrayNode list, JsonNode order, String key) {
        List<JsonNode> remaining = new ArrayList<>();
        list.forEach(remaining::add);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode o : order) {
            for (Iterator<JsonNode> it = remaining.iterator(); it.hasNext(); ) {
                JsonNode n = it.next();
                boolean same = key == null ? n.equals(o) : n.isObject() && o.isObject() && n.path(key).equals(o.path(key));
                if (same) {
                    out.add(n);
                    it.remove();
                    break;
                }
            }
        }
        remaining.forEach(out::add);
        return out;
    }

    private static ObjectNode stripDirectives(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (n.startsWith("$")) o.remove(n);
            else if (o.get(n) instanceof ObjectNode c) stripDirectives(c);
        }
        return o;
    }
}
