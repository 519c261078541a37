package dev.beluga.apiserver.registry;

/**
 * A change the watch cache saw: {@code object} is the new state (for DELETED: the last state), {@code previous} the
 * state before (null for ADDED). Revision is the store revision of the change.
 */
public record CacheEvent(Type type, CachedObject object, CachedObject previous, long revision) {
    public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK }
}
