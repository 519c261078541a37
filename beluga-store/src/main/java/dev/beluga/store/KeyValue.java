package dev.beluga.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One version of one key, as etcd v3 returns it.
 *
 * @param key            the key bytes (never null)
 * @param value          the value bytes (empty for a tombstone in a delete event)
 * @param createRevision revision at which the current generation of the key was created
 * @param modRevision    revision of the write that produced this version
 * @param version        number of writes to the key since its creation (1 after create; 0 for a tombstone)
 */
public record KeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version) {

    public KeyValue {
        if (key == null) throw new IllegalArgumentException("key is null");
        if (value == null) value = new byte[0];
    }

    /** The key as UTF-8 text (keys used by Beluga are always text paths). */
    public String keyString() {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The value as UTF-8 text. */
    public String valueString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value)
            && createRevision == kv.createRevision && modRevision == kv.modRevision && version == kv.version;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Long.hashCode(modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue[" + keyString() + "@" + modRevision + " create=" + createRevision + " v=" + version
            + " " + value.length + "B]";
    }
}
