package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

/**
 * One object as the watch cache holds it: the tree (with metadata.resourceVersion set) and its JSON encoding,
 * computed once and shared by every watcher and list that sends it — from the stored bytes when the cache has them
 * ({@link ResourceVersionSplice}), else by serializing the tree.
 *
 * <p>Immutable by convention: nobody mutates {@link #object()}; code that needs to change it takes
 * {@link #copy()}.
 */
public final class CachedObject {
    private final String key;
    private final ObjectNode object;
    private final long revision;
    /** The stored JSON (without resourceVersion) the tree was decoded from; null once used or when unknown. */
    private byte[] stored;
    private volatile byte[] json;

    public CachedObject(String key, ObjectNode object, long revision) {
        this(key, object, revision, null);
    }

    /**
     * @param stored the stored JSON {@code object} was decoded from (without resourceVersion; not modified
     *               afterwards), or null
     */
    CachedObject(String key, ObjectNode object, long revision, byte[] stored) {
        this.key = key;
        this.object = object;
        this.revision = revision;
        this.stored = stored;
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

    /** The object's JSON; computed on first use (racing threads compute equal bytes, one wins). */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            byte[] s = stored;
            if (s != null) j = ResourceVersionSplice.apply(s, revision);
            if (j == null) j = Json.bytes(object);
            json = j;
            stored = null;
        }
        return j;
    }

    public String namespace() {
        return object.path("metadata").path("namespace").asText(null);
    }

    public String name() {
        return object.path("metadata").path("name").asText();
    }
}
