package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON Patch (RFC 6902): a list of {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy} and
 * {@code test} operations on JSON Pointer paths, applied in order, all or nothing.
 *
 * <p>Like the library the Kubernetes API server uses, array indexes may be negative (counted from the end) and
 * {@code test} compares numbers by value. {@code -} appends to an array.
 */
public final class JsonPatch {
    private JsonPatch() {
    }

    /**
     * Returns a new document: {@code target} with the operations of {@code patch} applied. Neither input is modified.
     *
     * @throws PatchException naming the operation and path, when the patch is malformed or an operation does not apply
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isArray()) throw new PatchException("a JSON patch must be a JSON array of operations");
        JsonNode doc = target == null ? null : target.deepCopy();
        for (JsonNode op : patch) doc = applyOne(doc, op);
        return doc;
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op) {
        if (!op.isObject()) throw new PatchException("a JSON patch operation must be an object, got: " + op);
        String kind = op.path("op").asText("unknown");
        return switch (kind) {
            case "add" -> add(doc, pointer(op, "path", kind), value(op, kind), kind);
            case "remove" -> remove(doc, pointer(op, "path", kind), kind);
            case "replace" -> replace(doc, pointer(op, "path", kind), value(op, kind));
            case "move" -> move(doc, pointer(op, "from", kind), pointer(op, "path", kind));
            case "copy" -> copy(doc, pointer(op, "from", kind), pointer(op, "path", kind));
            case "test" -> test(doc, pointer(op, "path", kind), value(op, kind));
            default -> throw new PatchException("Unexpected kind: " + kind);
        };
    }

    private static JsonPointer pointer(JsonNode op, String member, String kind) {
        JsonNode p = op.get(member);
        if (p == null || !p.isTextual()) throw new PatchException(kind + " operation missing " + member + " field");
        return JsonPointer.parse(p.asText());
    }

    private static JsonNode value(JsonNode op, String kind) {
        JsonNode v = op.get("value");
        if (v == null) throw new PatchException(kind + " operation missing value field");
        return v.deepCopy();
    }

    private static JsonNode add(JsonNode doc, JsonPointer path, JsonNode value, String kind) {
        if (path.isRoot()) return value;
        JsonNode parent = path.parent(doc);
        if (parent instanceof ObjectNode o) {
            o.set(path.last(), value);
        } else if (parent instanceof ArrayNode a) {
            Integer idx = JsonPointer.insertionIndex(path.last(), a.size());
            if (idx == null) throw new PatchException(kind + " operation does not apply: invalid index \"" + path.last()
                + "\" in path \"" + path.text() + "\" (array of " + a.size() + ")");
            a.insert(idx, value);
        } else {
            throw new PatchException(kind + " operation does not apply: doc is missing path: \"" + path.text() + "\"");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, JsonPointer path, String kind) {
        if (path.isRoot()) throw new PatchException(kind + " operation does not apply: cannot remove the whole document");
        JsonNode parent = path.parent(doc);
        if (parent instanceof ObjectNode o) {
            if (!o.has(path.last()))
                throw new PatchException(kind + " operation does not apply: doc is missing key: \"" + path.text() + "\"");
            o.remove(path.last());
        } else if (parent instanceof ArrayNode a) {
            Integer idx = JsonPointer.existingIndex(path.last(), a.size());
            if (idx == null) throw new PatchException(kind + " operation does not apply: invalid index \"" + path.last()
                + "\" in path \"" + path.text() + "\" (array of " + a.size() + ")");
            a.remove(idx);
        } else {
            throw new PatchException(kind + " operation does not apply: doc is missing path: \"" + path.text() + "\"");
        }
        return doc;
    }

    private static JsonNode replace(JsonNode doc, JsonPointer path, JsonNode value) {
        if (path.isRoot()) return value;
        JsonNode parent = path.parent(doc);
        if (parent instanceof ObjectNode o) {
            if (!o.has(path.last()))
                throw new PatchException("replace operation does not apply: doc is missing key: \"" + path.text() + "\"");
            o.set(path.last(), value);
        } else if (parent instanceof ArrayNode a) {
            Integer idx = JsonPointer.existingIndex(path.last(), a.size());
            if (idx == null) throw new PatchException("replace operation does not apply: invalid index \"" + path.last()
                + "\" in path \"" + path.text() + "\" (array of " + a.size() + ")");
            a.set(idx, value);
        } else {
            throw new PatchException("replace operation does not apply: doc is missing path: \"" + path.text() + "\"");
        }
        return doc;
    }

    private static JsonNode move(JsonNode doc, JsonPointer from, JsonPointer path) {
        JsonNode value = from.resolve(doc);
        if (value == null) throw new PatchException("move operation does not apply: doc is missing from path: \"" + from.text() + "\"");
        if (from.isProperPrefixOf(path))
            throw new PatchException("move operation does not apply: cannot move \"" + from.text() + "\" into its own child \"" + path.text() + "\"");
        if (from.equals(path)) return doc;
        return add(remove(doc, from, "move"), path, value, "move");
    }

    private static JsonNode copy(JsonNode doc, JsonPointer from, JsonPointer path) {
        JsonNode value = from.resolve(doc);
        if (value == null) throw new PatchException("copy operation does not apply: doc is missing from path: \"" + from.text() + "\"");
        return add(doc, path, value.deepCopy(), "copy");
    }

    private static JsonNode test(JsonNode doc, JsonPointer path, JsonNode expected) {
        JsonNode actual = path.resolve(doc);
        if (actual == null) throw new PatchException("test operation does not apply: doc is missing path: \"" + path.text() + "\"");
        if (!JsonValues.equal(actual, expected)) throw new PatchException("testing value \"" + path.text() + "\" failed: test failed");
        return doc;
    }
}
