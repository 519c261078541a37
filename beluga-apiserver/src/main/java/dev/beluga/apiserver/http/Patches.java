package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.patch.BuiltinPatchMeta;
import dev.beluga.api.patch.JsonPatch;
import dev.beluga.api.patch.MergePatch;
import dev.beluga.api.patch.PatchException;
import dev.beluga.api.patch.PatchMeta;
import dev.beluga.api.patch.StrategicMergePatch;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.ResourceType;
import dev.beluga.apiserver.registry.ServerSideApply;

/**
 * Applies a PATCH body of any of the Kubernetes patch types to the live object: JSON Patch (RFC 6902), JSON merge
 * patch (RFC 7386), strategic merge patch (with the built-in types' merge keys), and server-side apply.
 *
 * <p>Server-side apply merges with the strategic-merge rules and uses the managed field sets for conflicts and
 * removals ({@link ServerSideApply}).
 */
final class Patches {
    private final ResourceType type;
    private final PatchMeta meta;

    Patches(ResourceType type) {
        this.type = type;
        this.meta = BuiltinPatchMeta.forKind(type.group(), type.kind());
    }

    ObjectNode apply(String contentType, ObjectNode live, JsonNode patch) {
        return switch (contentType) {
            case "application/strategic-merge-patch+json" -> {
                if (!patch.isObject()) throw StatusException.badRequest("a strategic merge patch must be a JSON object");
                yield object(wrap(() -> StrategicMergePatch.apply(live, patch, meta)));
            }
            default -> applyGeneric(contentType, live, patch);
        };
    }

    /** JSON patch and merge patch, which need no knowledge of the type (also used on Scale objects). */
    ObjectNode applyGeneric(String contentType, ObjectNode target, JsonNode patch) {
        return switch (contentType) {
            case "application/json-patch+json" -> {
                if (!patch.isArray()) throw StatusException.badRequest("a JSON patch must be an array of operations");
                yield object(wrap(() -> JsonPatch.apply(target, patch)));
            }
            case "application/merge-patch+json" -> {
                if (!patch.isObject()) throw StatusException.badRequest("a merge patch must be a JSON object");
                yield object(wrap(() -> MergePatch.apply(target, patch)));
            }
            case "application/strategic-merge-patch+json" -> object(wrap(() -> StrategicMergePatch.apply(target, patch, meta)));
            default -> throw StatusException.unsupportedMediaType(contentType);
        };
    }

    /** Server-side apply: see {@link ServerSideApply}. */
    ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force) {
        String kind = applied.path("kind").asText(null);
        if (kind != null && !kind.equals(type.kind()))
            throw StatusException.badRequest("the kind of the applied object (" + kind + ") does not match " + type.kind());
        try {
            return ServerSideApply.apply(live, applied, manager, force, meta, type.group(), type.kind());
        } catch (PatchException e) {
            throw new StatusException(422, "Invalid", e.getMessage());
        }
    }

    private interface PatchCall {
        JsonNode run();
    }

    private JsonNode wrap(PatchCall c) {
        try {
            return c.run();
        } catch (PatchException e) {
            throw new StatusException(422, "Invalid", e.getMessage());
        }
    }

    private ObjectNode object(JsonNode n) {
        if (!(n instanceof ObjectNode o)) throw StatusException.badRequest("the patched object is not a JSON object");
        return o;
    }
}
