package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}), applied as the API server
 * applies it.
 *
 * <p>Like a JSON merge patch (objects merge, null deletes, values replace), except that:
 * <ul>
 *   <li>lists declared {@code merge} in the {@link PatchMeta} are merged: lists of objects by their merge key
 *       (containers by name, ports by containerPort, ...), lists of primitives as sets (finalizers); other lists are
 *       replaced; objects declared {@code replace} are replaced;</li>
 *   <li>{@code $patch: replace} on an object replaces it, {@code $patch: delete} empties it (and drops it where the
 *       original has no such field); as a list element, {@code {$patch: replace}} replaces the list with the patch's
 *       other elements and {@code {name: x, $patch: delete}} deletes the elements with that merge key;
 *       {@code $patch: merge} is refused, as upstream refuses it;</li>
 *   <li>{@code $setElementOrder/<list>} orders a merged list; {@code $deleteFromPrimitiveList/<list>} removes values
 *       from a primitive list; {@code $retainKeys} clears the fields of an object it does not list.</li>
 * </ul>
 * Merged lists are ordered as upstream orders them: the patch's elements in the patch's order, the server's other
 * elements interleaved in their live order (so an element new to the list comes before the server-only elements
 * that follow it).
 *
 * <p>Content taken from the patch as is (added fields, replaced lists and objects, new list elements) is stored
 * without nulls and directives, which upstream drops when it decodes the result into the typed object.
 */
public final class StrategicMergePatch {
    private StrategicMergePatch() {
    }

    /**
     * Returns the patched object; neither input is modified.
     *
     * @param original the live object (null or JSON null counts as an empty object)
     * @param patch    the patch, a JSON object (null counts as an empty patch)
     * @param meta     the strategies of the kind's fields; null means {@link PatchMeta#NONE}
     * @throws PatchException when the patch or the original is malformed for strategic merge (the message says where)
     */
    public static JsonNode apply(JsonNode original, JsonNode patch, PatchMeta meta) {
        if (patch == null || patch.isNull() || patch.isMissingNode()) patch = JsonNodeFactory.instance.objectNode();
        if (!patch.isObject()) throw new PatchException("a strategic merge patch must be a JSON object");
        ObjectNode base;
        if (original == null || original.isNull() || original.isMissingNode()) base = JsonNodeFactory.instance.objectNode();
        else if (original instanceof ObjectNode o) base = o.deepCopy();
        else throw new PatchException("a strategic merge patch applies to a JSON object");
        return new StrategicMerger(meta == null ? PatchMeta.NONE : meta).mergeObject(base, patch, List.of());
    }
}
