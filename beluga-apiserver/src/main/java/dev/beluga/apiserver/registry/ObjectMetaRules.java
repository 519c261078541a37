package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;

import java.util.Iterator;
import java.util.Map;

/** Checks every object gets, whatever its kind: apiVersion/kind, name, labels, annotations, immutable metadata. */
final class ObjectMetaRules {
    private static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

    private ObjectMetaRules() {
    }

    /** Fills apiVersion/kind when absent; refuses a body of another kind. */
    static void checkKind(ResourceType type, ObjectNode obj) {
        String kind = Json.text(obj, "kind");
        String apiVersion = Json.text(obj, "apiVersion");
        if (kind != null && !kind.isEmpty() && !kind.equals(type.kind()))
            throw StatusException.badRequest("the kind of the object (" + kind + ") does not match the kind of the resource ("
                + type.kind() + ")");
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion()))
            throw StatusException.badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version ("
                + type.apiVersion() + ")");
        obj.put("apiVersion", type.apiVersion());
        obj.put("kind", type.kind());
        if (!(obj.get("metadata") instanceof ObjectNode)) obj.putObject("metadata");
        // keep apiVersion and kind first, as clients print them
        ObjectNode copy = obj.deepCopy();
        obj.removeAll();
        obj.put("apiVersion", type.apiVersion());
        obj.put("kind", type.kind());
        obj.setAll(copy);
    }

    static void validate(ResourceType type, ObjectNode obj, FieldErrors errors) {
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        String name = meta.path("name").asText("");
        if (name.isEmpty()) errors.required("metadata.name", "name or generateName is required");
        else {
            String err = switch (type.strategy().nameRule()) {
                case SUBDOMAIN -> Names.checkSubdomain(name);
                case LABEL -> Names.checkLabel(name);
                case PATH_SEGMENT -> Names.checkPathSegment(name);
            };
            if (err != null) errors.invalid("metadata.name", name, err);
        }
        if (type.namespaced()) {
            String ns = meta.path("namespace").asText("");
            String err = Names.checkLabel(ns);
            if (err != null) errors.invalid("metadata.namespace", ns, err);
        }
        JsonNode labels = meta.get("labels");
        if (labels != null && !labels.isNull()) {
            if (!labels.isObject()) errors.invalid("metadata.labels", labels.toString(), "must be a map of strings");
            else for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String kerr = Names.checkQualifiedKey(e.getKey());
                if (kerr != null) errors.invalid("metadata.labels", e.getKey(), kerr);
                if (!e.getValue().isTextual()) errors.invalid("metadata.labels", e.getValue().toString(), "must be a string");
                else {
                    String verr = Names.checkLabelValue(e.getValue().asText());
                    if (verr != null) errors.invalid("metadata.labels", e.getValue().asText(), verr);
                }
            }
        }
        JsonNode annotations = meta.get("annotations");
        if (annotations != null && !annotations.isNull()) {
            if (!annotations.isObject()) errors.invalid("metadata.annotations", annotations.toString(), "must be a map of strings");
            else {
                long size = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String kerr = Names.checkQualifiedKey(e.getKey().toLowerCase(java.util.Locale.ROOT));
                    if (kerr != null) errors.invalid("metadata.annotations", e.getKey(), kerr);
                    size += e.getKey().length() + e.getValue().asText().length();
                }
                if (size > MAX_ANNOTATIONS_BYTES) errors.tooLong("metadata.annotations", MAX_ANNOTATIONS_BYTES);
            }
        }
    }

    static void validateUpdate(ResourceType type, ObjectNode obj, ObjectNode old, FieldErrors errors) {
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        ObjectNode oldMeta = (ObjectNode) old.get("metadata");
        if (!meta.path("name").equals(oldMeta.path("name"))) errors.immutable("metadata.name");
        if (type.namespaced() && !meta.path("namespace").equals(oldMeta.path("namespace"))) errors.immutable("metadata.namespace");
    }
}
