package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One object as the watch cache holds it: its JSON encoding (with {@code metadata.resourceVersion}), shared by every
 * watcher and list that sends it, and the attributes selectors look at (namespace, name, labels, the type's
 * selectable fields) — not the decoded tree.
 *
 * <p>Why bytes and not a tree: a Jackson tree of a pod is ~10 times its JSON, and the cache keeps every current
 * object and a window of recent ones. Held as trees they were most of the API server's live heap and of what its
 * young collections copied and promoted; on machines where a fresh page costs tens of microseconds (a VM's memory
 * backed lazily by its host) that growth was most of the collector's time. Readers that need the tree parse it
 * ({@link #object()}), which the watch and list paths do not.
 *
 * <p>Immutable and thread-safe.
 */
public final class CachedObject {
    private static final Logger log = LoggerFactory.getLogger(CachedObject.class);

    private final String key;
    private final long revision;
    private final byte[] json;
    /** Where the resourceVersion's digits start in {@link #json}, or -1 when the JSON was serialized from a tree. */
    private final int revisionAt;
    private final String namespace;
    private final String name;
    private final Map<String, String> labels;
    private final Map<String, String> fields;

    private CachedObject(String key, long revision, byte[] json, int revisionAt, String namespace, String name,
                         Map<String, String> labels, Map<String, String> fields) {
        this.key = key;
        this.revision = revision;
        this.json = json;
        this.revisionAt = revisionAt;
        this.namespace = namespace;
        this.name = name;
        this.labels = labels;
        this.fields = fields;
    }

    /**
     * Decodes an object as stored (JSON without resourceVersion) at {@code revision}. The stored bytes are not kept
     * nor modified: the cached JSON is a copy with the resourceVersion spliced in.
     */
    public static CachedObject decode(ResourceType type, String key, byte[] stored, long revision) {
        ObjectNode tree = Json.parseObject(stored);
        JsonNode meta = tree.path("metadata");
        // stored objects never hold a resourceVersion; should one do, its JSON is serialized from the tree instead
        int open = meta.has("resourceVersion") ? -1 : ResourceVersionSplice.metadataContentStart(stored);
        byte[] json = ResourceVersionSplice.apply(stored, open, revision);
        int at = json == null ? -1 : ResourceVersionSplice.revisionStart(open);
        if (json == null) {
            Json.with(tree, "metadata").put("resourceVersion", Long.toString(revision));
            json = Json.bytes(tree);
        }
        return new CachedObject(key, revision, json, at, meta.path("namespace").asText(null), meta.path("name").asText(),
            labels(meta.path("labels")), fieldsOf(type, key, tree));
    }

    /** This object's last state as a deletion at {@code rev} reports it: the same JSON with resourceVersion {@code rev}. */
    CachedObject deletedAt(long rev) {
        byte[] moved = revisionAt < 0 ? null : ResourceVersionSplice.replace(json, revisionAt, revision, rev);
        if (moved == null) {
            ObjectNode tree = object();
            Json.with(tree, "metadata").put("resourceVersion", Long.toString(rev));
            return new CachedObject(key, rev, Json.bytes(tree), -1, namespace, name, labels, fields);
        }
        return new CachedObject(key, rev, moved, revisionAt, namespace, name, labels, fields);
    }

    private static Map<String, String> labels(JsonNode labels) {
        if (!(labels instanceof ObjectNode o) || o.isEmpty()) return Map.of();
        Map<String, String> out = new HashMap<>(o.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) out.put(e.getKey(), e.getValue().asText());
        }
        return Map.copyOf(out);
    }

    /**
     * The type's selectable fields of the object; a field whose value is null is left out (it matches as absent). A
     * strategy that throws on this object is logged and the object gets no selectable fields (field selectors other
     * than name and namespace then do not match it): this runs in the watch cache's apply, where an exception would
     * stop the cache of the whole type from following the store.
     */
    private static Map<String, String> fieldsOf(ResourceType type, String key, ObjectNode tree) {
        if (type == null) return Map.of();
        Map<String, String> f;
        try {
            f = type.strategy().selectableFields(tree);
        } catch (RuntimeException e) {
            log.warn("selectable fields of {} could not be read; field selectors will not match it: {}", key, e.toString());
            return Map.of();
        }
        if (f.isEmpty()) return Map.of();
        Map<String, String> out = new HashMap<>(f.size() * 2);
        f.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return Map.copyOf(out);
    }

    public String key() {
        return key;
    }

    public long revision() {
        return revision;
    }

    /** A new tree of the object (with its resourceVersion), parsed from the JSON on every call: the caller owns it. */
    public ObjectNode object() {
        return Json.parseObject(json);
    }

    /** The object's JSON as clients get it. Shared: never modify it. */
    public byte[] json() {
        return json;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The object's labels (string values only, as upstream's label type). */
    public Map<String, String> labels() {
        return labels;
    }

    /**
     * The value of a field selectors may use: metadata.name, metadata.namespace, or one of the type's
     * {@link Strategy#selectableFields}; null for others.
     */
    public String field(String field) {
        return switch (field) {
            case "metadata.name" -> name;
            case "metadata.namespace" -> namespace == null ? "" : namespace;
            default -> fields.get(field);
        };
    }
}
