package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** Comparison of JSON values by meaning rather than by Jackson node class (so {@code 1}, {@code 1.0} and {@code 1e0} are equal). */
final class JsonValues {
    /** The JSON type of a value, as far as patching cares. */
    enum Kind { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    private JsonValues() {
    }

    static Kind kind(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return Kind.NULL;
        if (n.isObject()) return Kind.OBJECT;
        if (n.isArray()) return Kind.ARRAY;
        if (n.isNumber()) return Kind.NUMBER;
        if (n.isBoolean()) return Kind.BOOLEAN;
        return Kind.STRING;
    }

    /** Deep equality: numbers by value, objects regardless of member order, arrays element by element. */
    static boolean equal(JsonNode a, JsonNode b) {
        Kind ka = kind(a);
        if (ka != kind(b)) return false;
        switch (ka) {
            case NULL:
                return true;
            case NUMBER:
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            case ARRAY:
                if (a.size() != b.size()) return false;
                for (int i = 0; i < a.size(); i++) if (!equal(a.get(i), b.get(i))) return false;
                return true;
            case OBJECT:
                if (a.size() != b.size()) return false;
                for (Map.Entry<String, JsonNode> e : a.properties()) {
                    JsonNode other = b.get(e.getKey());
                    if (other == null || !equal(e.getValue(), other)) return false;
                }
                return true;
            default:
                return a.equals(b);
        }
    }
}
