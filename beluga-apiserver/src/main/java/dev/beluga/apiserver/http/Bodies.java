package dev.beluga.apiserver.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.DeleteOptions;
import dev.beluga.apiserver.registry.ResourceType;

import java.io.IOException;
import java.util.List;

/** Decodes request bodies (JSON or YAML objects, patches, DeleteOptions) with the errors upstream gives. */
final class Bodies {
    private Bodies() {
    }

    static ObjectNode object(Exchange ex, ResourceType type) {
        String ct = ex.contentType();
        byte[] body = ex.body();
        JsonNode n;
        switch (ct) {
            case "application/json", "*/*" -> n = json(body);
            case "application/yaml" -> n = yaml(body);
            case "application/vnd.kubernetes.protobuf" -> n = ProtobufBodies.decode(body);
            default -> throw StatusException.unsupportedMediaType(ct);
        }
        if (!(n instanceof ObjectNode o))
            throw StatusException.badRequest("the body of the request must be " + (type == null ? "an object" : "a " + type.kind() + " object"));
        return o;
    }

    static JsonNode json(byte[] body) {
        if (body.length == 0) throw StatusException.badRequest("the request body is empty");
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonParseException e) {
            throw StatusException.badRequest("the body of the request was not valid JSON: " + e.getOriginalMessage()
                + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw StatusException.badRequest("the body of the request could not be read: " + e.getMessage());
        }
    }

    static JsonNode yaml(byte[] body) {
        if (body.length == 0) throw StatusException.badRequest("the request body is empty");
        try {
            return Json.YAML.readTree(body);
        } catch (IOException e) {
            throw StatusException.badRequest("the body of the request was not valid YAML: " + e.getMessage());
        }
    }

    static ObjectNode yamlObject(byte[] body) {
        JsonNode n = yaml(body);
        if (!(n instanceof ObjectNode o)) throw StatusException.badRequest("the apply patch must be an object");
        return o;
    }

    /** DeleteOptions from the body (JSON) and/or the query, as kubectl and the libraries send them. */
    static DeleteOptions deleteOptions(Exchange ex) {
        byte[] body = ex.body();
        JsonNode b = body.length == 0 ? Json.object()
            : ProtobufBodies.isProtobuf(ex.contentType()) ? ProtobufBodies.decode(body) : json(body);
        Long grace = b.hasNonNull("gracePeriodSeconds") ? b.get("gracePeriodSeconds").asLong() : null;
        String q = ex.query("gracePeriodSeconds");
        if (q != null && !q.isEmpty()) grace = Long.parseLong(q);
        String policy = b.hasNonNull("propagationPolicy") ? b.get("propagationPolicy").asText() : ex.query("propagationPolicy");
        if (policy == null && b.hasNonNull("orphanDependents")) policy = b.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
        if (policy != null && !List.of("Orphan", "Background", "Foreground").contains(policy))
            throw StatusException.invalid("", "DeleteOptions", "", List.of(new StatusException.Cause("FieldValueNotSupported",
                "Unsupported value: \"" + policy + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"", "propagationPolicy")));
        boolean dry = !ex.queryAll("dryRun").isEmpty();
        JsonNode d = b.get("dryRun");
        if (d != null && d.isArray() && !d.isEmpty()) dry = true;
        JsonNode pre = b.path("preconditions");
        return new DeleteOptions(grace, policy, pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
            pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null, dry);
    }
}
