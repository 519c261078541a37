package dev.beluga.store;

/**
 * One change delivered to a watcher.
 *
 * @param type     PUT (create or update) or DELETE
 * @param kv       the key-value after the change; for a DELETE its modRevision is the deletion's revision and its
 *                 value is empty
 * @param prevKv   the key-value before the change, or null if the key did not exist before (a create)
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {
    public enum Type { PUT, DELETE }

    public long revision() {
        return kv.modRevision();
    }

    /** A PUT whose key did not exist before. */
    public boolean isCreate() {
        return type == Type.PUT && kv.version() == 1;
    }
}
