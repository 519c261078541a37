package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges a patch list into a live list whose field is declared {@code merge} (or named by
 * {@code $deleteFromPrimitiveList/}), as upstream's {@code mergeSlice} does.
 *
 * <ul>
 *   <li>Primitives: a delete list removes every equal value; otherwise the union, without duplicates.</li>
 *   <li>Objects, by merge key: elements with {@code $patch: delete} remove every live element with their key;
 *       an element {@code {$patch: replace}} makes the list exactly the patch's other elements; other elements are
 *       merged into the live element with the same key, or added.</li>
 * </ul>
 * The result is ordered as {@link ElementOrder} describes.
 *
 * <p>Besides the merged list, {@link #merge} returns the live order that {@code $setElementOrder} then uses to place
 * the server-only elements. Upstream derives it from the live list as modified in place by the merge: the deleted
 * elements are removed (the following ones move up) and the elements new to the list take the freed places at the
 * end, as many as there are; positions still free keep what they held. That is reproduced here because it decides
 * where server-only elements land when an apply deletes and adds elements at once.
 */
final class ListMerger {
    private final StrategicMerger maps;

    ListMerger(StrategicMerger maps) {
        this.maps = maps;
    }

    /** A merged list, and the live order {@code $setElementOrder} places server-only elements by. */
    record Merged(ArrayNode list, List<JsonNode> liveOrder) {
    }

    Merged merge(ArrayNode live, ArrayNode patch, PatchMeta.ListStrategy strategy, List<String> path, boolean deleteList) {
        List<JsonNode> liveElements = StrategicMerger.elements(live);
        if (live.isEmpty() && patch.isEmpty()) return new Merged(live, liveElements);
        JsonValues.Kind kind = elementKind(live, patch, path);
        if (kind != JsonValues.Kind.OBJECT)
            return new Merged(deleteList ? without(live, patch) : union(live, patch), liveElements);
        String key = strategy.mergeKey();
        if (key == null) throw new PatchException("cannot merge lists without merge key for " + String.join(".", path));
        return mergeByKey(live, patch, key, path);
    }

    private static ArrayNode without(ArrayNode live, ArrayNode remove) {
        List<JsonNode> gone = StrategicMerger.elements(remove);
        ArrayNode out = live.arrayNode();
        for (JsonNode v : live) if (ElementOrder.indexOf(gone, v, null) < 0) out.add(v);
        return out;
    }

    private static ArrayNode union(ArrayNode live, ArrayNode patch) {
        List<JsonNode> merged = new ArrayList<>();
        for (JsonNode v : live) if (ElementOrder.indexOf(merged, v, null) < 0) merged.add(v);
        for (JsonNode v : patch) if (ElementOrder.indexOf(merged, v, null) < 0) merged.add(v.deepCopy());
        List<JsonNode> patchOrder = StrategicMerger.elements(patch);
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode v : merged) (ElementOrder.indexOf(patchOrder, v, null) >= 0 ? inPatch : serverOnly).add(v);
        return ElementOrder.normalize(inPatch, serverOnly, patchOrder, StrategicMerger.elements(live), null);
    }

    private Merged mergeByKey(ArrayNode live, ArrayNode patch, String key, List<String> path) {
        List<JsonNode> result = StrategicMerger.elements(live);
        List<JsonNode> items = new ArrayList<>();
        List<JsonNode> deletions = new ArrayList<>();
        List<JsonNode> added = new ArrayList<>();
        boolean replace = false;
        for (JsonNode p : patch) {
            JsonNode directive = p.get(Directives.PATCH);
            if (directive == null) {
                items.add(p);
                continue;
            }
            switch (directive.asText()) {
                case Directives.DELETE -> {
                    JsonNode k = p.get(key);
                    if (k == null) throw noMergeKey(p, key);
                    result.removeIf(e -> ElementOrder.sameElement(e, p, key));
                    deletions.add(p);
                }
                case Directives.REPLACE -> replace = true;
                case Directives.MERGE -> throw new PatchException("merging lists cannot yet be specified in the patch"
                    + StrategicMerger.at(path));
                default -> throw new PatchException("unknown patch type: " + directive.asText() + " in map: " + p
                    + StrategicMerger.at(path));
            }
        }
        if (replace) {
            result = new ArrayList<>();
            for (JsonNode p : items) {
                JsonNode c = Directives.clean(p);
                if (c != null) result.add(c);
            }
            items = List.of();
        }
        List<JsonNode> liveOrder = List.copyOf(result);
        for (JsonNode p : items) {
            if (!p.has(key)) throw noMergeKey(p, key);
            int at = ElementOrder.indexOf(result, p, key);
            if (at >= 0) result.set(at, maps.mergeObject((ObjectNode) result.get(at), p, path));
            else {
                result.add(Directives.clean(p));
                added.add(p);
            }
        }
        List<JsonNode> inPatch = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode e : result) (ElementOrder.indexOf(items, e, key) >= 0 ? inPatch : serverOnly).add(e);
        ArrayNode merged = ElementOrder.normalize(inPatch, serverOnly, items, liveOrder, key);
        return new Merged(merged, liveOrderAfterMerge(StrategicMerger.elements(live), deletions, added, key));
    }

    /** The live list as upstream's in-place merge leaves it (see the class comment). */
    private static List<JsonNode> liveOrderAfterMerge(List<JsonNode> live, List<JsonNode> deletions, List<JsonNode> added, String key) {
        JsonNode[] slots = live.toArray(new JsonNode[0]);
        int used = slots.length;
        for (JsonNode d : deletions) {
            for (int i = 0; i < used; ) {
                if (ElementOrder.sameElement(slots[i], d, key)) {
                    System.arraycopy(slots, i + 1, slots, i, used - i - 1);
                    used--;
                } else {
                    i++;
                }
            }
        }
        for (JsonNode a : added) {
            if (used >= slots.length) break;
            slots[used++] = a;
        }
        return Arrays.asList(slots);
    }

    /** The common JSON type of the elements of both lists; lists of lists and mixed lists are refused. */
    private static JsonValues.Kind elementKind(ArrayNode live, ArrayNode patch, List<String> path) {
        JsonValues.Kind kind = null;
        for (ArrayNode list : List.of(live, patch)) {
            for (JsonNode e : list) {
                JsonValues.Kind k = JsonValues.kind(e);
                if (k == JsonValues.Kind.ARRAY) throw new PatchException("lists of lists are not supported" + StrategicMerger.at(path));
                if (kind == null) kind = k;
                else if (kind != k)
                    throw new PatchException("list element types are not identical: " + live + ", " + patch + StrategicMerger.at(path));
            }
        }
        return kind;
    }

    static PatchException noMergeKey(JsonNode element, String key) {
        return new PatchException("map: " + element + " does not contain declared merge key: " + key);
    }
}
