package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** JSON Patch (RFC 6902): add, remove, replace, move, copy and test, with JSON Pointer paths (RFC 6901). */
public final class JsonPatch {
    private JsonPatch() {
    }

    /** Returns the patched document; the inputs are not modified. Fails with {@link PatchException}. */
    public static JsonNode apply(JsonNode target, JsonNode operations) {
        if (!operations.isArray()) throw new PatchException("a JSON patch must be an array of operations");
        JsonNode doc = target.deepCopy();
        int i = 0;
        for (JsonNode op : operations) {
            String kind = op.path("op").asText("");
            String path = op.path("path").asText(null);
            if (path == null) throw new PatchException("operation " + i + " (" + kind + ") has no path");
            doc = switch (kind) {
                case "add" -> add(doc, path, value(op, kind, path));
                case "remove" -> remove(doc, path, kind);
                case "replace" -> {
                    JsonNode d = remove(doc, path, kind);
                    yield add(d, path, value(op, kind, path));
                }
                case "move" -> {
                    String from = from(op, kind);
                    JsonNode v = get(doc, from, kind);
                    yield add(remove(doc, from, kind), path, v);
                }
                case "copy" -> add(doc, path, get(doc, from(op, kind), kind).deepCopy());
                case "test" -> {
                    JsonNode v = get(doc, path, kind);
                    if (!v.equals(value(op, kind, path)))
                        throw new PatchException("testing value " + path + " failed");
                    yield doc;
                }
                default -> throw new PatchException("unexpected kind of operation: \"" + kind + "\"");
            };
            i++;
        }
        return doc;
    }

    private static JsonNode value(JsonNode op, String kind, String path) {
        if (!op.has("value")) throw new PatchException(kind + " operation does not have a value (path " + path + ")");
        return op.get("value").deepCopy();
    }

    private static String from(JsonNode op, String kind) {
        if (!op.hasNonNull("from")) throw new PatchException(kind + " operation does not have a from");
        return op.get("from").asText();
    }

    static List<String> tokens(String pointer) {
        if (pointer.isEmpty()) return List.of();
        if (!pointer.startsWith("/")) throw new PatchException("JSON pointer must start with '/': " + pointer);
        List<String> out = new ArrayList<>();
        for (String t : pointer.substring(1).split("/", -1)) out.add(t.replace("~1", "/").replace("~0", "~"));
        return out;
    }

    private static JsonNode get(JsonNode doc, String path, String kind) {
        JsonNode cur = doc;
        for (String t : tokens(path)) {
            if (cur.isObject()) {
                if (!cur.has(t)) throw new PatchException(kind + " operation does not apply: doc is missing path: \"" + path + "\"");
                cur = cur.get(t);
            } else if (cur.isArray()) {
                int idx = index(t, cur.size(), false, path, kind);
                cur = cur.get(idx);
            } else {
                throw new PatchException(kind + " operation does not apply: doc is missing path: \"" + path + "\"");
            }
        }
        return cur;
    }

    private static JsonNode add(JsonNode doc, String path, JsonNode value) {
        List<String> t = tokens(path);
        if (t.isEmpty()) return value;
        JsonNode parent = get(doc, parentPath(t), "add");
        String last = t.getLast();
        if (parent instanceof ObjectNode o) o.set(last, value);
        else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) a.add(value);
            else a.insert(index(last, a.size(), true, path, "add"), value);
        } else throw new PatchException("add operation does not apply: doc is missing path: \"" + path + "\"");
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String path, String kind) {
        List<String> t = tokens(path);
        if (t.isEmpty()) throw new PatchException(kind + " operation cannot apply to the whole document");
        JsonNode parent = get(doc, parentPath(t), kind);
        String last = t.getLast();
        if (parent instanceof ObjectNode o) {
            if (!o.has(last)) throw new PatchException(kind + " operation does not apply: doc is missing key: " + path);
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size(), false, path, kind));
        } else throw new PatchException(kind + " operation does not apply: doc is missing path: \"" + path + "\"");
        return doc;
    }

    private static String parentPath(List<String> t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.size() - 1; i++) sb.append('/').append(t.get(i).replace("~", "~0").replace("/", "~1"));
        return sb.toString();
    }

    private static int index(String token, int size, boolean forInsert, String path, String kind) {
        try {
            int i = Integer.parseInt(token);
            if (i < 0 || i > size || (!forInsert && i == size)) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new PatchException(kind + " operation does not apply: index out of range or invalid in path \"" + path + "\"");
        }
    }
}
