package dev.beluga.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A half-open range of keys {@code [start, end)} in unsigned byte order, or a single key when {@code end} is null
 * (the etcd v3 convention).
 */
public record KeyRange(byte[] start, byte[] end) {

    public KeyRange {
        if (start == null) throw new IllegalArgumentException("start key is null");
    }

    public static KeyRange single(byte[] key) {
        return new KeyRange(key, null);
    }

    public static KeyRange single(String key) {
        return single(Keys.bytes(key));
    }

    /** All keys beginning with {@code prefix}. */
    public static KeyRange prefix(byte[] prefix) {
        return new KeyRange(prefix, Keys.prefixEnd(prefix));
    }

    public static KeyRange prefix(String prefix) {
        return prefix(Keys.bytes(prefix));
    }

    public boolean isSingleKey() {
        return end == null;
    }

    /** Whether {@code key} lies in this range. */
    public boolean contains(byte[] key) {
        if (end == null) return Arrays.equals(start, key);
        if (Arrays.compareUnsigned(key, start) < 0) return false;
        return end.length == 0 || Arrays.compareUnsigned(key, end) < 0;
    }

    /** The same range starting at {@code from} (used to continue a paged range). */
    public KeyRange startingAt(byte[] from) {
        return new KeyRange(from, end);
    }

    @Override
    public String toString() {
        return end == null ? new String(start, StandardCharsets.UTF_8)
            : "[" + new String(start, StandardCharsets.UTF_8) + ", " + new String(end, StandardCharsets.UTF_8) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Arrays.equals(start, r.start) && Arrays.equals(end, r.end);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(start) * 31 + Arrays.hashCode(end);
    }
}
