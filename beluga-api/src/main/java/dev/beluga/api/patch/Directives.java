package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The directives of strategic merge patch, and the cleaning of patch content that is taken as is (added fields,
 * replaced lists and objects, new list elements).
 */
final class Directives {
    /** {@code $patch: replace | delete | merge}, on an object or a list element. */
    static final String PATCH = "$patch";
    static final String REPLACE = "replace";
    static final String DELETE = "delete";
    static final String MERGE = "merge";
    /** {@code $retainKeys: [..]}: clear the object's fields not listed. */
    static final String RETAIN_KEYS = "$retainKeys";
    /** {@code $setElementOrder/<list>: [..]}: the order of a merged list. */
    static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    /** {@code $deleteFromPrimitiveList/<list>: [..]}: values to remove from a primitive list. */
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    private Directives() {
    }

    static boolean isDirectiveKey(String key) {
        return key.equals(PATCH) || key.equals(RETAIN_KEYS) || key.startsWith(SET_ELEMENT_ORDER)
            || key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    }

    /** True for an object carrying {@code $patch}. */
    static boolean hasPatchDirective(JsonNode n) {
        return n != null && n.isObject() && n.has(PATCH);
    }

    /**
     * A copy of patch content to be stored as is: null object members dropped (null means "absent" in a patch),
     * objects carrying {@code $patch} dropped (as upstream drops them), other directive keys dropped (upstream leaves
     * them for the typed decoding to discard). Returns null when {@code v} itself carries {@code $patch}.
     */
    static JsonNode clean(JsonNode v) {
        if (v.isObject()) {
            if (v.has(PATCH)) return null;
            return cleanMembers(v);
        }
        if (v.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : v) {
                JsonNode c = clean(e);
                if (c != null) out.add(c);
            }
            return out;
        }
        return v.deepCopy();
    }

    /** The members of an object, cleaned as {@link #clean} does, ignoring a {@code $patch} on the object itself. */
    static ObjectNode cleanMembers(JsonNode object) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getValue().isNull() || isDirectiveKey(e.getKey())) continue;
            JsonNode c = clean(e.getValue());
            if (c != null) out.set(e.getKey(), c);
        }
        return out;
    }
}
