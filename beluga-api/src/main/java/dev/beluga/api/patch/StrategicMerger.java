package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a strategic merge patch object into a (privately owned, mutable) original object, as upstream's
 * {@code mergeMap} does: {@code $patch} on the object, then {@code $retainKeys}, then every
 * {@code $setElementOrder/<list>} with its list, then the other members in patch order (null deletes; objects merge
 * unless declared {@code replace}; lists merge when declared {@code merge} or named by
 * {@code $deleteFromPrimitiveList/}, else are replaced; anything else replaces).
 */
final class StrategicMerger {
    private final PatchMeta meta;
    private final ListMerger lists;

    StrategicMerger(PatchMeta meta) {
        this.meta = meta;
        this.lists = new ListMerger(this);
    }

    /**
     * The merge of {@code patch} into {@code original} (which is modified and returned; null counts as empty).
     *
     * @param path the field names from the root down to this object (list indexes left out)
     */
    ObjectNode mergeObject(ObjectNode original, JsonNode patch, List<String> path) {
        JsonNode directive = patch.get(Directives.PATCH);
        if (directive != null) {
            String d = directive.asText();
            if (d.equals(Directives.REPLACE)) return Directives.cleanMembers(patch);
            if (d.equals(Directives.DELETE)) return JsonNodeFactory.instance.objectNode();
            throw new PatchException("unknown patch type: " + d + " in map: " + patch + at(path));
        }
        ObjectNode result = original != null ? original : JsonNodeFactory.instance.objectNode();
        retainKeys(result, patch, path);
        Set<String> ordered = setElementOrders(result, patch, path);
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            if (key.equals(Directives.RETAIN_KEYS) || key.startsWith(Directives.SET_ELEMENT_ORDER) || ordered.contains(key)) continue;
            boolean deleteList = key.startsWith(Directives.DELETE_FROM_PRIMITIVE_LIST);
            if (deleteList) key = key.substring(Directives.DELETE_FROM_PRIMITIVE_LIST.length());
            member(result, key, e.getValue(), child(path, key), deleteList);
        }
        return result;
    }

    private void member(ObjectNode result, String key, JsonNode value, List<String> path, boolean deleteList) {
        if (value.isNull()) {
            result.remove(key);
            return;
        }
        JsonNode current = result.get(key);
        if (current != null && current.isObject() && value.isObject()) {
            if (meta.strategy(path).replace()) result.set(key, Directives.cleanMembers(value));
            else result.set(key, mergeObject((ObjectNode) current, value, path));
        } else if (current != null && current.isArray() && value.isArray()) {
            PatchMeta.ListStrategy s = meta.strategy(path);
            if (s.merge() || deleteList) result.set(key, lists.merge((ArrayNode) current, (ArrayNode) value, s, path, deleteList).list());
            else result.set(key, Directives.clean(value));
        } else if (!deleteList) {
            // absent, or of another type than the patch: the patch's value is taken
            JsonNode cleaned = Directives.clean(value);
            if (cleaned == null) result.remove(key);
            else result.set(key, cleaned);
        }
    }

    /**
     * {@code $retainKeys}: every field of the patch must be listed (except nulls and list directives); fields of the
     * original not listed are cleared.
     */
    private static void retainKeys(ObjectNode result, JsonNode patch, List<String> path) {
        JsonNode retain = patch.get(Directives.RETAIN_KEYS);
        if (retain == null) return;
        if (!retain.isArray()) throw new PatchException("invalid patch format of retainKeys: $retainKeys must be a list" + at(path));
        Set<String> keep = new HashSet<>();
        retain.forEach(n -> keep.add(n.asText()));
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String k = e.getKey();
            if (k.equals(Directives.RETAIN_KEYS) || e.getValue().isNull() || k.startsWith(Directives.SET_ELEMENT_ORDER)
                || k.startsWith(Directives.DELETE_FROM_PRIMITIVE_LIST)) continue;
            if (!keep.contains(k))
                throw new PatchException("invalid patch format of retainKeys: field \"" + k + "\" is not listed in $retainKeys" + at(path));
        }
        List<String> names = new ArrayList<>();
        result.fieldNames().forEachRemaining(names::add);
        for (String n : names) if (!keep.contains(n)) result.remove(n);
    }

    /**
     * Every {@code $setElementOrder/<list>}: merges {@code <list>} (when in the patch) and orders it. Returns the names
     * of the lists done, which the member loop then skips.
     */
    private Set<String> setElementOrders(ObjectNode result, JsonNode patch, List<String> path) {
        Set<String> done = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (!e.getKey().startsWith(Directives.SET_ELEMENT_ORDER)) continue;
            String key = e.getKey().substring(Directives.SET_ELEMENT_ORDER.length());
            List<String> listPath = child(path, key);
            if (!e.getValue().isArray())
                throw new PatchException("invalid patch format of setElementOrder list: " + e.getKey() + " must be a list" + at(path));
            JsonNode live = result.get(key);
            JsonNode patched = patch.get(key);
            if (live != null && live.isNull()) live = null;
            if (patched != null && patched.isNull()) continue; // the member loop deletes the list
            if (live != null && !live.isArray())
                throw new PatchException("invalid patch format of setElementOrder list: " + key + " is not a list" + at(path));
            if (patched != null && !patched.isArray())
                throw new PatchException("invalid patch format of setElementOrder list: " + key + " in the patch is not a list" + at(path));
            PatchMeta.ListStrategy s = meta.strategy(listPath);
            List<JsonNode> order = elements(e.getValue());
            if (patched != null) checkOrder(elements(patched), order, s.mergeKey(), e.getKey());
            if (live == null && patched == null) continue;
            ArrayNode merged;
            List<JsonNode> liveOrder = live == null ? List.of() : elements(live);
            if (patched == null) {
                merged = (ArrayNode) live;
            } else if (live == null || !s.merge()) {
                merged = (ArrayNode) Directives.clean(patched);
            } else {
                ListMerger.Merged m = lists.merge((ArrayNode) live, (ArrayNode) patched, s, listPath, false);
                merged = m.list();
                liveOrder = m.liveOrder();
            }
            result.set(key, ElementOrder.byOrderList(elements(merged), order, liveOrder, s.mergeKey()));
            done.add(key);
        }
        return done;
    }

    /**
     * The elements of the patch list (those without {@code $patch}) must appear in the {@code $setElementOrder} list in
     * the same relative order.
     */
    private static void checkOrder(List<JsonNode> patchList, List<JsonNode> order, String mergeKey, String directive) {
        if (patchList.isEmpty() || order.isEmpty()) return;
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode p : patchList) if (!Directives.hasPatchDirective(p)) items.add(p);
        int pi = 0;
        for (int oi = 0; pi < items.size() && oi < order.size(); oi++) {
            JsonNode p = items.get(pi);
            JsonNode o = order.get(oi);
            if (mergeKey != null && p.isObject()) {
                if (!p.has(mergeKey)) throw ListMerger.noMergeKey(p, mergeKey);
                if (!o.isObject() || !o.has(mergeKey)) throw ListMerger.noMergeKey(o, mergeKey);
            }
            if (ElementOrder.sameElement(p, o, mergeKey)) pi++;
        }
        if (pi < items.size())
            throw new PatchException("the order in patch list " + patchList + " doesn't match " + directive + " list " + order);
    }

    static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
    }

    static List<String> child(List<String> path, String name) {
        List<String> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(name);
        return out;
    }

    static String at(List<String> path) {
        return path.isEmpty() ? "" : " (at " + String.join(".", path) + ")";
    }
}
