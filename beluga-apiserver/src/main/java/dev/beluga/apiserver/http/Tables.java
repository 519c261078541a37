package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.table.TableColumns;

import java.util.List;

/** Builds {@code meta.k8s.io Table} responses (what {@code kubectl get} prints) from objects and their columns. */
public final class Tables {
    private Tables() {
    }

    public static ObjectNode table(TableColumns columns, List<ObjectNode> objects, String version, String resourceVersion,
                                   String continueToken, Long remaining, boolean withColumns) {
        ObjectNode t = Json.object();
        t.put("kind", "Table").put("apiVersion", "meta.k8s.io/" + (version == null ? "v1" : version));
        ObjectNode meta = t.putObject("metadata");
        if (resourceVersion != null) meta.put("resourceVersion", resourceVersion);
        if (continueToken != null) meta.put("continue", continueToken);
        if (remaining != null) meta.put("remainingItemCount", remaining);
        ArrayNode defs = t.putArray("columnDefinitions");
        if (withColumns) {
            for (TableColumns.Column c : columns.columns()) {
                defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                    .put("description", c.description()).put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        for (ObjectNode o : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (TableColumns.Column c : columns.columns()) {
                Object v;
                try {
                    v = c.cell().apply(o);
                } catch (RuntimeException e) {
                    v = "<error>";
                }
                switch (v) {
                    case null -> cells.add("<none>");
                    case Integer i -> cells.add(i);
                    case Long l -> cells.add(l);
                    case JsonNode n -> cells.add(n);
                    default -> cells.add(v.toString());
                }
            }
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            JsonNode m = o.get("metadata");
            ObjectNode pm = m == null ? Json.object() : ((ObjectNode) m).deepCopy();
            pm.remove("managedFields");
            partial.set("metadata", pm);
        }
        return t;
    }
}
