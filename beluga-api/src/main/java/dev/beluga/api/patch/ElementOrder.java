package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a merged list, as upstream strategic merge patch sets it: the elements named by the patch (or by
 * {@code $setElementOrder}) come in the patch's order, the elements only the server had keep the live order, and the
 * two sequences are interleaved so that a server element goes before a patch element when the live list had it
 * before. Elements are identified by their merge key (objects) or by value (primitives).
 */
final class ElementOrder {
    private ElementOrder() {
    }

    /** {@code merged} ordered by {@code order} (the elements it names) and {@code live} (the others). */
    static ArrayNode byOrderList(List<JsonNode> merged, List<JsonNode> order, List<JsonNode> live, String mergeKey) {
        List<JsonNode> named = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode e : merged) (indexOf(order, e, mergeKey) >= 0 ? named : serverOnly).add(e);
        return normalize(named, serverOnly, order, live, mergeKey);
    }

    /**
     * Sorts {@code patchItems} by {@code patchOrder} and {@code serverOnly} by {@code serverOrder}, then interleaves
     * them: a server element is taken first only when both are found in {@code serverOrder} and it comes earlier there.
     */
    static ArrayNode normalize(List<JsonNode> patchItems, List<JsonNode> serverOnly, List<JsonNode> patchOrder,
                               List<JsonNode> serverOrder, String mergeKey) {
        List<JsonNode> right = sorted(patchItems, patchOrder, mergeKey);
        List<JsonNode> left = sorted(serverOnly, serverOrder, mergeKey);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = indexOf(serverOrder, left.get(i), mergeKey);
                int ri = indexOf(serverOrder, right.get(j), mergeKey);
                if (li >= 0 && ri >= 0 && li < ri) out.add(left.get(i++));
                else out.add(right.get(j++));
            }
        }
        return out;
    }

    private static List<JsonNode> sorted(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
        List<JsonNode> out = new ArrayList<>(items);
        out.sort(Comparator.comparingInt(e -> {
            int i = indexOf(order, e, mergeKey);
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        return out;
    }

    /** The position in {@code list} of the element identified like {@code item}, or -1. */
    static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
        for (int i = 0; i < list.size(); i++) if (sameElement(list.get(i), item, mergeKey)) return i;
        return -1;
    }

    /** Same merge key value (a missing key equals a missing key) for objects; same value otherwise. */
    static boolean sameElement(JsonNode a, JsonNode b, String mergeKey) {
        if (mergeKey != null && a.isObject() && b.isObject()) return JsonValues.equal(a.get(mergeKey), b.get(mergeKey));
        return JsonValues.equal(a, b);
    }
}
