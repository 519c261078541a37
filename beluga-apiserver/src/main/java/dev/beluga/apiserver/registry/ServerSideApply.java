package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.patch.PatchMeta;
import dev.beluga.api.patch.StrategicMergePatch;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Server-side apply on top of the managed field sets: merges the applied configuration into the live object,
 * refuses changes to fields another manager owns (409 with {@code FieldManagerConflict} causes, unless forced), and
 * removes the fields this manager applied before but no longer applies and nobody else owns.
 *
 * <p>Pure function of its inputs; the caller records the new ownership ({@link ManagedFields#recordApply}).
 */
public final class ServerSideApply {
    private ServerSideApply() {
    }

    public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force, PatchMeta meta,
                                   String group, String kind) {
        ObjectNode config = applied.deepCopy();
        if (config.get("metadata") instanceof ObjectNode m) {
            m.remove("resourceVersion");
            m.remove("managedFields");
        }
        ObjectNode merged = (ObjectNode) StrategicMergePatch.apply(live, config, meta);
        ObjectNode changed = FieldSets.changed(merged, live, meta);
        ObjectNode previous = Json.object();
        ObjectNode others = Json.object();
        List<StatusException.Cause> conflicts = new ArrayList<>();
        for (JsonNode e : live.path("metadata").path("managedFields")) {
            JsonNode fields = e.path("fieldsV1");
            boolean mine = manager.equals(e.path("manager").asText()) && "Apply".equals(e.path("operation").asText())
                && !e.hasNonNull("subresource");
            if (mine) {
                previous = FieldSets.union(previous, fields);
                continue;
            }
            if (e.hasNonNull("subresource")) continue;
            ObjectNode overlap = intersect(changed, fields);
            if (!overlap.isEmpty() && !force) {
                for (String path : paths(overlap, "")) {
                    conflicts.add(new StatusException.Cause("FieldManagerConflict", "conflict with \"" + e.path("manager").asText()
                        + "\"" + ("Update".equals(e.path("operation").asText()) ? " using " + e.path("apiVersion").asText() : ""), path));
                }
            }
            others = FieldSets.union(others, force ? FieldSets.minus(fields, changed) : fields);
        }
        if (!conflicts.isEmpty()) {
            StringBuilder msg = new StringBuilder("Apply failed with " + conflicts.size() + " conflict" + (conflicts.size() > 1 ? "s" : "") + ": ");
            for (int i = 0; i < conflicts.size(); i++) {
                if (i > 0) msg.append("\n");
                msg.append(conflicts.get(i).message()).append(": ").append(conflicts.get(i).field());
            }
            throw new StatusException(409, "Conflict", msg.toString(), group, kind, live.path("metadata").path("name").asText(),
                conflicts, null);
        }
        ObjectNode now = FieldSets.of(config, meta);
        ObjectNode dropped = FieldSets.minus(FieldSets.minus(previous, now), others);
        removeFields(merged, dropped, meta);
        return merged;
    }

    /** The fields present in both sets (a leaf on either side covers the other's subtree). */
    static ObjectNode intersect(JsonNode a, JsonNode b) {
        ObjectNode out = Json.object();
        if (a == null || b == null) return out;
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(".")) continue;
            JsonNode other = b.get(e.getKey());
            if (other == null) continue;
            if (e.getValue().isEmpty() || other.isEmpty()) out.putObject(e.getKey());
            else {
                ObjectNode sub = intersect(e.getValue(), other);
                if (!sub.isEmpty()) out.set(e.getKey(), sub);
            }
        }
        return out;
    }

    /** Dotted paths of the leaves of a field set, as upstream prints them ({@code .spec.containers[name="web"].image}). */
    static List<String> paths(JsonNode set, String prefix) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.equals(".")) continue;
            String p;
            if (k.startsWith("f:")) p = prefix + "." + k.substring(2);
            else if (k.startsWith("k:")) {
                JsonNode key = parse(k.substring(2));
                List<String> parts = new ArrayList<>();
                key.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + f.getValue()));
                p = prefix + "[" + String.join(",", parts) + "]";
            } else p = prefix + "[" + k.substring(2) + "]";
            if (e.getValue().isEmpty() || (e.getValue().size() == 1 && e.getValue().has("."))) out.add(p);
            else out.addAll(paths(e.getValue(), p));
        }
        return out;
    }

    /** Removes from {@code obj} the fields in {@code set}. */
    static void removeFields(JsonNode obj, JsonNode set, PatchMeta meta) {
        if (!(obj instanceof ObjectNode o)) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("f:")) continue;
            String field = e.getKey().substring(2);
            JsonNode child = o.get(field);
            if (child == null) continue;
            JsonNode sub = e.getValue();
            if (sub.isEmpty()) {
                o.remove(field);
            } else if (child instanceof ArrayNode arr) {
                removeFromList(arr, sub, meta);
            } else {
                removeFields(child, sub, meta);
            }
        }
    }

    private static void removeFromList(ArrayNode arr, JsonNode set, PatchMeta meta) {
        for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.startsWith("v:")) {
                JsonNode value = parse(k.substring(2));
                for (int i = arr.size() - 1; i >= 0; i--) if (arr.get(i).equals(value)) arr.remove(i);
            } else if (k.startsWith("k:")) {
                JsonNode key = parse(k.substring(2));
                for (int i = arr.size() - 1; i >= 0; i--) {
                    JsonNode item = arr.get(i);
                    boolean match = true;
                    for (Iterator<Map.Entry<String, JsonNode>> f = key.fields(); f.hasNext(); ) {
                        Map.Entry<String, JsonNode> kf = f.next();
                        if (!kf.getValue().equals(item.get(kf.getKey()))) match = false;
                    }
                    if (!match) continue;
                    if (e.getValue().has(".") || e.getValue().isEmpty()) arr.remove(i);
                    else removeFields(item, e.getValue(), meta);
                }
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return Json.NODES.textNode(json);
        }
    }
}
