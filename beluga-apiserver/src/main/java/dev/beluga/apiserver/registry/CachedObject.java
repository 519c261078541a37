package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

/**
 * One object as the watch cache holds it: the tree (with metadata.resourceVersion set) and its JSON encoding,
 * computed once and shared by every watcher and list that sends it.
 *
 * <p>Immutable by convention: nobody mutates {@link #object()}; code that needs to change it takes
 * {@link #copy()}.
 */
public final class CachedObject {
    private final String key;
    private final ObjectNode object;
    private final long revision;
    private volatile byte[] json;

    public CachedObject(String key, ObjectNode object, long revision) {
        this.key = key;
        this.object = object;
        this.revision = revision;
    }

    public String key() {
        return key;
    }

    public ObjectNode object() {
        return object;
    }

    public long revision() {
        return revision;
    }

    public ObjectNode copy() {
        return object.deepCopy();
    }

    public byte[] json() {
        byte[] j = json;
        if (j == null) json = j = Json.bytes(object);
        return j;
    }

    public String namespace() {
        return object.path("metadata").path("namespace").asText(null);
    }

    public String name() {
        return object.path("metadata").path("name").asText();
    }
}
