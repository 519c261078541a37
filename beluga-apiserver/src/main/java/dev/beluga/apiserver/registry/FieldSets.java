package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.patch.PatchMeta;
import dev.beluga.apiserver.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Field sets in the {@code FieldsV1} format of {@code metadata.managedFields}: {@code "f:name"} for a field,
 * {@code "k:{\"name\":\"web\"}"} for a list element by merge key, {@code "v:<json>"} for a set element, and
 * {@code "."} for an element itself. A leaf is an empty object.
 *
 * <p>Pure functions over Jackson trees; inputs are never modified.
 */
final class FieldSets {
    private static final Set<String> ROOT_IGNORED = Set.of("apiVersion", "kind", "status");
    private static final Set<String> META_IGNORED = Set.of("name", "namespace", "uid", "resourceVersion", "generation",
        "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName");

    private FieldSets() {
    }

    /** Every field of {@code obj} (what an applier owns), excluding identity metadata and status. */
    static ObjectNode of(JsonNode obj, PatchMeta meta) {
        return of(obj, meta, new ArrayList<>(), true);
    }

    private static ObjectNode of(JsonNode obj, PatchMeta meta, List<String> path, boolean root) {
        ObjectNode out = Json.object();
        if (!obj.isObject()) return out;
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ignored(path, e.getKey(), root)) continue;
            List<String> child = append(path, e.getKey());
            out.set("f:" + e.getKey(), node(e.getValue(), meta, child));
        }
        return out;
    }

    private static ObjectNode node(JsonNode v, PatchMeta meta, List<String> path) {
        if (v.isObject()) return of(v, meta, path, false);
        if (v.isArray()) {
            PatchMeta.ListStrategy s = meta.strategy(path);
            if (!s.merge()) return Json.object();
            ObjectNode items = Json.object();
            for (JsonNode item : v) {
                if (s.mergeKey() != null && item.isObject() && item.has(s.mergeKey())) {
                    ObjectNode sub = of(item, meta, path, false);
                    ObjectNode withSelf = Json.object();
                    withSelf.putObject(".");
                    withSelf.setAll(sub);
                    items.set("k:" + Json.string(Json.object().set(s.mergeKey(), item.get(s.mergeKey()))), withSelf);
                } else {
                    items.putObject("v:" + Json.string(item));
                }
            }
            return items;
        }
        return Json.object();
    }

    /** The fields of {@code now} that are new or different from {@code before} (what an update changed). */
    static ObjectNode changed(JsonNode now, JsonNode before, PatchMeta meta) {
        return changed(now, before, meta, new ArrayList<>(), true);
    }

    private static ObjectNode changed(JsonNode now, JsonNode before, PatchMeta meta, List<String> path, boolean root) {
        ObjectNode out = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (ignored(path, k, root)) continue;
            JsonNode nv = e.getValue();
            JsonNode ov = before == null ? null : before.get(k);
            List<String> child = append(path, k);
            if (ov == null) out.set("f:" + k, node(nv, meta, child));
            else if (nv.equals(ov)) continue;
            else if (nv.isObject() && ov.isObject()) {
                ObjectNode sub = changed(nv, ov, meta, child, false);
                if (!sub.isEmpty()) out.set("f:" + k, sub);
            } else if (nv.isArray() && ov.isArray() && meta.strategy(child).merge()) {
                String key = meta.strategy(child).mergeKey();
                ObjectNode items = Json.object();
                for (JsonNode item : nv) {
                    if (key != null && item.isObject() && item.has(key)) {
                        JsonNode old = null;
                        for (JsonNode o : ov) if (item.get(key).equals(o.get(key))) old = o;
                        String id = "k:" + Json.string(Json.object().set(key, item.get(key)));
                        if (old == null) {
                            ObjectNode withSelf = Json.object();
                            withSelf.putObject(".");
                            withSelf.setAll(of(item, meta, child, false));
                            items.set(id, withSelf);
                        } else {
                            ObjectNode sub = changed(item, old, meta, child, false);
                            if (!sub.isEmpty()) items.set(id, sub);
                        }
                    } else {
                        boolean present = false;
                        for (JsonNode o : ov) if (o.equals(item)) present = true;
                        if (!present) items.putObject("v:" + Json.string(item));
                    }
                }
                if (!items.isEmpty()) out.set("f:" + k, items);
            } else {
                out.putObject("f:" + k);
            }
        }
        return out;
    }

    /** {@code a} ∪ {@code b}. */
    static ObjectNode union(JsonNode a, JsonNode b) {
        ObjectNode out = a == null || !a.isObject() ? Json.object() : ((ObjectNode) a).deepCopy();
        if (b == null) return out;
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = out.get(e.getKey());
            out.set(e.getKey(), mine == null ? e.getValue().deepCopy() : union(mine, e.getValue()));
        }
        return out;
    }

    /** {@code a} without the fields of {@code b}: a leaf of {@code b} removes the whole subtree of {@code a}. */
    static ObjectNode minus(JsonNode a, JsonNode b) {
        ObjectNode out = a == null || !a.isObject() ? Json.object() : ((ObjectNode) a).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = out.get(e.getKey());
            if (mine == null) continue;
            if (e.getValue().isEmpty()) out.remove(e.getKey());
            else {
                ObjectNode rest = minus(mine, e.getValue());
                if (rest.isEmpty() && !mine.isEmpty()) out.remove(e.getKey());
                else out.set(e.getKey(), rest);
            }
        }
        return out;
    }

    private static boolean ignored(List<String> path, String key, boolean root) {
        if (root) return ROOT_IGNORED.contains(key);
        return path.size() == 1 && path.getFirst().equals("metadata") && META_IGNORED.contains(key);
    }

    private static List<String> append(List<String> path, String k) {
        List<String> c = new ArrayList<>(path);
        c.add(k);
        return c;
    }
}
