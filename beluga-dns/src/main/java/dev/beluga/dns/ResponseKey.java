package dev.beluga.dns;

import java.util.Arrays;

/** A response cache key (see {@link WireQuery#key}): bytes compared by value, hash computed once. Immutable. */
final class ResponseKey {
    private final byte[] bytes;
    private final int hash;

    ResponseKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResponseKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
