package dev.beluga.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A fixed ASCII string to find in bytes, fast: compares from the pattern's last byte and, on a miss, skips ahead as far
 * as the byte under that position allows (Horspool's algorithm), so a search costs about one look per pattern length
 * rather than one per byte. The benchmark's watchers search every event line they read. Immutable, thread-safe.
 */
final class BytePattern {
    private final byte[] pattern;
    /** For each byte value: how far the pattern may move when its last position lies on that byte. */
    private final int[] skip = new int[256];

    BytePattern(String ascii) {
        pattern = ascii.getBytes(StandardCharsets.US_ASCII);
        if (pattern.length == 0) throw new IllegalArgumentException("empty pattern");
        Arrays.fill(skip, pattern.length);
        for (int j = 0; j < pattern.length - 1; j++) skip[pattern[j] & 0xff] = pattern.length - 1 - j;
    }

    /** The index just after the first occurrence in {@code buf[off, off+len)}, or -1. */
    int after(byte[] buf, int off, int len) {
        int last = pattern.length - 1;
        int end = off + len;
        for (int i = off + last; i < end; i += skip[buf[i] & 0xff]) {
            int j = last;
            while (buf[i - last + j] == pattern[j]) {
                if (j-- == 0) return i + 1;
            }
        }
        return -1;
    }
}
