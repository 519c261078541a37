package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.patch.PatchMeta;
import dev.beluga.apiserver.Json;

import java.util.Objects;

/**
 * Keeps {@code metadata.managedFields}: one entry per (manager, operation, subresource) with the fields it owns
 * ({@link FieldSets}). An update gives its manager the fields it changed and takes them from the other managers, as
 * upstream's field manager does; an apply replaces its manager's set with the applied configuration's fields.
 */
final class ManagedFields {
    private ManagedFields() {
    }

    /** Records an Update by {@code manager}: {@code old} is null on create. */
    static void recordUpdate(ObjectNode obj, ObjectNode old, String manager, String apiVersion, String time,
                             String subresource, PatchMeta meta) {
        if (manager == null || manager.isEmpty()) return;
        JsonNode oldView = old == null ? null : withoutManagedFields(old);
        ObjectNode changed = subresource != null && subresource.equals("status")
            ? statusChanged(obj, old)
            : FieldSets.changed(withoutManagedFields(obj), oldView, meta);
        record(obj, manager, "Update", apiVersion, time, subresource, changed, changed, false);
    }

    /** Records an Apply by {@code manager} of the configuration {@code applied}. */
    static void recordApply(ObjectNode obj, ObjectNode old, ObjectNode applied, String manager, String apiVersion, String time,
                            PatchMeta meta) {
        ObjectNode stolen = old == null ? Json.object() : FieldSets.changed(withoutManagedFields(obj), withoutManagedFields(old), meta);
        record(obj, manager, "Apply", apiVersion, time, null, FieldSets.of(applied, meta), stolen, true);
    }

    private static void record(ObjectNode obj, String manager, String operation, String apiVersion, String time,
                               String subresource, ObjectNode fields, ObjectNode stolen, boolean replace) {
        ObjectNode meta = Json.with(obj, "metadata");
        JsonNode existing = meta.get("managedFields");
        ArrayNode out = Json.array();
        ObjectNode mine = null;
        if (existing instanceof ArrayNode arr) {
            for (JsonNode e : arr) {
                ObjectNode entry = (ObjectNode) e.deepCopy();
                boolean same = manager.equals(Json.text(entry, "manager")) && operation.equals(Json.text(entry, "operation"))
                    && Objects.equals(subresource, Json.text(entry, "subresource"));
                if (same) {
                    mine = entry;
                    continue;
                }
                if (!entry.has("fieldsV1")) {
                    entry.put("fieldsType", "FieldsV1");
                    entry.putObject("fieldsV1");
                }
                if (!stolen.isEmpty() && entry.get("fieldsV1") instanceof ObjectNode f) {
                    ObjectNode rest = FieldSets.minus(f, stolen);
                    if (rest.isEmpty()) continue;
                    entry.set("fieldsV1", rest);
                }
                out.add(entry);
            }
        }
        if (fields.isEmpty() && mine == null) {
            if (out.isEmpty()) meta.remove("managedFields");
            else meta.set("managedFields", out);
            return;
        }
        ObjectNode entry = Json.object();
        entry.put("manager", manager).put("operation", operation).put("apiVersion", apiVersion).put("time", time)
            .put("fieldsType", "FieldsV1");
        ObjectNode owned = replace || mine == null ? fields : FieldSets.union(mine.get("fieldsV1"), fields);
        entry.set("fieldsV1", owned);
        if (subresource != null) entry.put("subresource", subresource);
        out.add(entry);
        meta.set("managedFields", out);
    }

    private static ObjectNode statusChanged(ObjectNode obj, ObjectNode old) {
        ObjectNode out = Json.object();
        JsonNode now = obj.get("status");
        JsonNode before = old == null ? null : old.get("status");
        if (now == null || now.equals(before)) return out;
        ObjectNode n = Json.object();
        n.set("status", now);
        ObjectNode b = Json.object();
        if (before != null) b.set("status", before);
        // status is ignored at the root by FieldSets; compute it one level down
        ObjectNode inner = FieldSets.changed(now, before, PatchMeta.NONE);
        out.set("f:status", inner.isEmpty() ? Json.object() : inner);
        return out;
    }

    private static JsonNode withoutManagedFields(ObjectNode o) {
        ObjectNode c = o.deepCopy();
        if (c.get("metadata") instanceof ObjectNode m) m.remove("managedFields");
        return c;
    }
}
