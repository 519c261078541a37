package dev.beluga.store.embedded;

import dev.beluga.store.KeyValue;

/**
 * One revision as persisted: the write of {@code key} at revision {@code rev}. A tombstone (delete) has version 0 and
 * an empty value.
 *
 * @param prevRev the modRevision of the key's previous live version, or 0 if the key did not exist before this write
 */
record Row(long rev, byte[] key, long createRev, long version, long prevRev, byte[] value) {

    boolean isTombstone() {
        return version == 0;
    }

    KeyValue toKeyValue() {
        return new KeyValue(key, value, createRev, rev, version);
    }
}
