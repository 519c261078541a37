package dev.beluga.store;

/**
 * The answer to a successful write.
 *
 * @param revision the store revision the write was committed at (also the new key-value's modRevision)
 * @param current  the key-value as written (for a delete: the tombstone, with version 0)
 * @param previous the key-value before the write, or null if the key did not exist
 */
public record WriteResult(long revision, KeyValue current, KeyValue previous) {
}
