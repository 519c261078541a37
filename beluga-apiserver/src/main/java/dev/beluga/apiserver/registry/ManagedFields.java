package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

/**
 * Keeps {@code metadata.managedFields} entries: one per (manager, operation, subresource), with the time of its last
 * write. Field ownership sets (fieldsV1) are not tracked yet; server-side apply conflict detection will add them.
 */
final class ManagedFields {
    private ManagedFields() {
    }

    static void recordUpdate(ObjectNode obj, ObjectNode old, String manager, String apiVersion, String time, String subresource) {
        if (manager == null || manager.isEmpty()) return;
        ObjectNode meta = Json.with(obj, "metadata");
        JsonNode existing = meta.get("managedFields");
        ArrayNode out = Json.array();
        boolean found = false;
        if (existing instanceof ArrayNode arr) {
            for (JsonNode e : arr) {
                ObjectNode entry = (ObjectNode) e.deepCopy();
                if (manager.equals(Json.text(entry, "manager")) && "Update".equals(Json.text(entry, "operation"))
                    && java.util.Objects.equals(subresource, Json.text(entry, "subresource"))) {
                    entry.put("time", time).put("apiVersion", apiVersion);
                    found = true;
                }
                out.add(entry);
            }
        }
        if (!found) {
            ObjectNode entry = out.addObject();
            entry.put("manager", manager).put("operation", "Update").put("apiVersion", apiVersion).put("time", time);
            if (subresource != null) entry.put("subresource", subresource);
        }
        meta.set("managedFields", out);
    }
}
