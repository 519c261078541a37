package dev.beluga.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Helpers for byte-string keys. Keys are compared as unsigned bytes, like etcd. */
public final class Keys {
    /** Unsigned lexicographic order. */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Keys() {
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The smallest key greater than every key with the given prefix, or an empty array meaning "no upper bound" when
     * the prefix is all 0xff bytes.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[0];
    }

    /** The key immediately after {@code key} in order (key + 0x00): where a paged range continues. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
