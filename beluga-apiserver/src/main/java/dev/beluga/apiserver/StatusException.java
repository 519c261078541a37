package dev.beluga.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A request failed with a Kubernetes {@code Status}: code, reason, message and details (with field causes for
 * 422 Invalid). Thrown anywhere in request handling; the HTTP layer writes {@link #toStatus()}.
 */
public final class StatusException extends RuntimeException {
    /** One cause of an Invalid error: {@code field} is the path, e.g. {@code spec.containers[0].name}. */
    public record Cause(String reason, String message, String field) {
    }

    private final int code;
    private final String reason;
    private final String group;
    private final String kind;
    private final String name;
    private final List<Cause> causes;
    private final Integer retryAfterSeconds;

    public StatusException(int code, String reason, String message, String group, String kind, String name,
                           List<Cause> causes, Integer retryAfterSeconds) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.group = group;
        this.kind = kind;
        this.name = name;
        this.causes = causes == null ? List.of() : causes;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public StatusException(int code, String reason, String message) {
        this(code, reason, message, null, null, null, null, null);
    }

    public int code() {
        return code;
    }

    /** Seconds a client should wait before retrying (also sent as the {@code Retry-After} header), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String reason() {
        return reason;
    }

    public List<Cause> causes() {
        return causes;
    }

    public static StatusException notFound(String group, String plural, String name) {
        return new StatusException(404, "NotFound", qualified(group, plural) + " \"" + name + "\" not found", group,
            plural, name, null, null);
    }

    public static StatusException alreadyExists(String group, String plural, String name) {
        return new StatusException(409, "AlreadyExists", qualified(group, plural) + " \"" + name + "\" already exists",
            group, plural, name, null, null);
    }

    public static StatusException conflict(String group, String plural, String name, String detail) {
        return new StatusException(409, "Conflict", "Operation cannot be fulfilled on " + qualified(group, plural)
            + " \"" + name + "\": " + detail, group, plural, name, null, null);
    }

    public static StatusException invalid(String group, String kind, String name, List<Cause> causes) {
        StringBuilder sb = new StringBuilder(kind + " \"" + name + "\" is invalid: ");
        if (causes.size() == 1) {
            Cause c = causes.getFirst();
            sb.append(c.field() == null ? "" : c.field() + ": ").append(c.message());
        } else {
            sb.append('[');
            for (int i = 0; i < causes.size(); i++) {
                Cause c = causes.get(i);
                if (i > 0) sb.append(", ");
                sb.append(c.field() == null ? "" : c.field() + ": ").append(c.message());
            }
            sb.append(']');
        }
        return new StatusException(422, "Invalid", sb.toString(), group, kind, name, causes, null);
    }

    public static StatusException badRequest(String message) {
        return new StatusException(400, "BadRequest", message);
    }

    public static StatusException methodNotAllowed(String message) {
        return new StatusException(405, "MethodNotAllowed", message);
    }

    public static StatusException unsupportedMediaType(String contentType) {
        return new StatusException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got " + contentType + ")");
    }

    public static StatusException gone(String message) {
        return new StatusException(410, "Expired", message);
    }

    public static StatusException tooLarge(String message) {
        return new StatusException(413, "RequestEntityTooLarge", message);
    }

    public static StatusException internal(String message) {
        return new StatusException(500, "InternalError", message);
    }

    public static StatusException unavailable(String message) {
        return new StatusException(503, "ServiceUnavailable", message, null, null, null, null, 1);
    }

    public static StatusException unauthorized() {
        return new StatusException(401, "Unauthorized", "Unauthorized");
    }

    public static StatusException forbidden(String message) {
        return new StatusException(403, "Forbidden", message);
    }

    /** An admission plugin's refusal: {@code plural "name" is forbidden: cause}, with the details upstream sends. */
    public static StatusException forbidden(String group, String plural, String name, String cause) {
        return new StatusException(403, "Forbidden", qualified(group, plural) + " \"" + name + "\" is forbidden: " + cause,
            group, plural, name, null, null);
    }

    private static String qualified(String group, String plural) {
        return group == null || group.isEmpty() ? plural : plural + "." + group;
    }

    /** The {@code Status} object sent to the client. */
    public ObjectNode toStatus() {
        ObjectNode s = Json.object();
        s.put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure").put("message", getMessage()).put("reason", reason);
        if (name != null || kind != null || !causes.isEmpty() || retryAfterSeconds != null) {
            ObjectNode d = s.putObject("details");
            if (name != null) d.put("name", name);
            if (group != null) d.put("group", group);
            if (kind != null) d.put("kind", kind);
            if (!causes.isEmpty()) {
                ArrayNode arr = d.putArray("causes");
                for (Cause c : causes) {
                    ObjectNode cn = arr.addObject();
                    if (c.reason() != null) cn.put("reason", c.reason());
                    if (c.message() != null) cn.put("message", c.message());
                    if (c.field() != null) cn.put("field", c.field());
                }
            }
            if (retryAfterSeconds != null) d.put("retryAfterSeconds", retryAfterSeconds);
        }
        s.put("code", code);
        return s;
    }
}
