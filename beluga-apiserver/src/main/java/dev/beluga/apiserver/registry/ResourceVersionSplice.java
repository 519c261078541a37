package dev.beluga.apiserver.registry;

import java.nio.charset.StandardCharsets;

/**
 * Turns an object's stored JSON (which never holds {@code metadata.resourceVersion}: the revision is only known once
 * the store commits) into the JSON clients get, by inserting {@code "resourceVersion":"<revision>"} as the first
 * member of the top-level {@code metadata} object — a byte copy instead of serializing the decoded tree again for
 * every watch event and list.
 *
 * <p>The scan follows JSON strings (escapes included) and nesting, so only the top-level {@code "metadata"} member
 * matches, wherever it is. Stateless and thread-safe.
 */
final class ResourceVersionSplice {
    private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MEMBER = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

    private ResourceVersionSplice() {
    }

    /**
     * The stored JSON with the resourceVersion inserted, or null when it has no top-level {@code metadata} object
     * (the caller then serializes the tree).
     */
    static byte[] apply(byte[] stored, long revision) {
        return apply(stored, metadataContentStart(stored), revision);
    }

    /** As {@link #apply(byte[], long)}, with {@code at} the stored JSON's {@link #metadataContentStart}. */
    static byte[] apply(byte[] stored, int at, long revision) {
        if (at < 0) return null;
        byte[] rv = Long.toString(revision).getBytes(StandardCharsets.US_ASCII);
        boolean empty = stored[skipWhitespace(stored, at)] == '}';
        byte[] out = new byte[stored.length + MEMBER.length + rv.length + 1 + (empty ? 0 : 1)];
        System.arraycopy(stored, 0, out, 0, at);
        int p = at;
        System.arraycopy(MEMBER, 0, out, p, MEMBER.length);
        p += MEMBER.length;
        System.arraycopy(rv, 0, out, p, rv.length);
        p += rv.length;
        out[p++] = '"';
        if (!empty) out[p++] = ',';
        System.arraycopy(stored, at, out, p, stored.length - at);
        return out;
    }

    /**
     * Where the resourceVersion's digits start in JSON made by {@link #apply} (the first member of the metadata object
     * there), from the stored JSON's {@link #metadataContentStart}: the bytes before it are the same in both.
     */
    static int revisionStart(int metadataContentStart) {
        return metadataContentStart + MEMBER.length;
    }

    /**
     * A copy of JSON made by {@link #apply} for {@code revision}, with {@code newRevision} instead; {@code at} is
     * {@link #revisionStart}. Null when the digits there are not {@code revision}'s (the caller serializes instead).
     */
    static byte[] replace(byte[] spliced, int at, long revision, long newRevision) {
        byte[] old = Long.toString(revision).getBytes(StandardCharsets.US_ASCII);
        if (at < 0 || at + old.length >= spliced.length || spliced[at + old.length] != '"'
            || !java.util.Arrays.equals(spliced, at, at + old.length, old, 0, old.length)) return null;
        byte[] rv = Long.toString(newRevision).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[spliced.length - old.length + rv.length];
        System.arraycopy(spliced, 0, out, 0, at);
        System.arraycopy(rv, 0, out, at, rv.length);
        System.arraycopy(spliced, at + old.length, out, at + rv.length, spliced.length - at - old.length);
        return out;
    }

    /** The index just after the {@code {} that opens the top-level metadata object, or -1. */
    static int metadataContentStart(byte[] json) {
        int depth = 0;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (b == '"') {
                int end = stringEnd(json, i);
                if (end < 0) return -1;
                if (depth == 1) {
                    int colon = skipWhitespace(json, end + 1);
                    if (colon < json.length && json[colon] == ':' && isMetadata(json, i + 1, end)) {
                        int open = skipWhitespace(json, colon + 1);
                        return open < json.length && json[open] == '{' ? open + 1 : -1;
                    }
                }
                i = end;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return -1;
    }

    /** The index of the quote closing the string that opens at {@code open}, or -1 if unterminated. */
    private static int stringEnd(byte[] json, int open) {
        for (int j = open + 1; j < json.length; j++) {
            if (json[j] == '\\') j++;
            else if (json[j] == '"') return j;
        }
        return -1;
    }

    private static boolean isMetadata(byte[] json, int from, int to) {
        if (to - from != METADATA.length) return false;
        for (int k = 0; k < METADATA.length; k++) if (json[from + k] != METADATA[k]) return false;
        return true;
    }

    private static int skipWhitespace(byte[] json, int i) {
        while (i < json.length && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) i++;
        return i;
    }
}
