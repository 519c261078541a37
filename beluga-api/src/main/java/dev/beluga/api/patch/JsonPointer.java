package dev.beluga.api.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Pointer (RFC 6901): {@code ""} for the whole document, else {@code /}-separated reference tokens in which
 * {@code ~1} stands for {@code /} and {@code ~0} for {@code ~}.
 *
 * @param text   the pointer as written (for messages)
 * @param tokens the unescaped reference tokens
 */
record JsonPointer(String text, List<String> tokens) {
    static JsonPointer parse(String text) {
        if (text.isEmpty()) return new JsonPointer(text, List.of());
        if (text.charAt(0) != '/') throw new PatchException("invalid JSON pointer \"" + text + "\": it must be empty or start with '/'");
        List<String> tokens = new ArrayList<>();
        for (String raw : text.substring(1).split("/", -1)) tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        return new JsonPointer(text, List.copyOf(tokens));
    }

    boolean isRoot() {
        return tokens.isEmpty();
    }

    /** The last reference token (the member name or index inside the parent). */
    String last() {
        return tokens.getLast();
    }

    /** The node that contains the referenced location, or null when some step on the way does not exist. */
    JsonNode parent(JsonNode doc) {
        return walk(doc, tokens.size() - 1);
    }

    /** The referenced node, or null when it does not exist. */
    JsonNode resolve(JsonNode doc) {
        return walk(doc, tokens.size());
    }

    /** Whether {@code other} points strictly inside this location. */
    boolean isProperPrefixOf(JsonPointer other) {
        return other.tokens.size() > tokens.size() && other.tokens.subList(0, tokens.size()).equals(tokens);
    }

    private JsonNode walk(JsonNode doc, int steps) {
        JsonNode cur = doc;
        for (int i = 0; i < steps && cur != null; i++) {
            String t = tokens.get(i);
            if (cur.isObject()) {
                cur = cur.get(t);
            } else if (cur.isArray()) {
                Integer idx = existingIndex(t, cur.size());
                cur = idx == null ? null : cur.get(idx);
            } else {
                cur = null;
            }
        }
        return cur;
    }

    /**
     * The index of an existing element named by {@code token} in an array of {@code size} elements, or null. Like the
     * JSON patch library Kubernetes uses, a negative index counts from the end ({@code -1} is the last element).
     */
    static Integer existingIndex(String token, int size) {
        Integer i = integer(token);
        if (i == null) return null;
        if (i < 0) i += size;
        return i >= 0 && i < size ? i : null;
    }

    /**
     * Where an element named by {@code token} is inserted in an array of {@code size} elements ({@code size} to append),
     * or null: {@code -} appends, {@code 0..size} insert, negative indexes count from the end ({@code -1} appends).
     */
    static Integer insertionIndex(String token, int size) {
        if (token.equals("-")) return size;
        Integer i = integer(token);
        if (i == null) return null;
        if (i < 0) i += size + 1;
        return i >= 0 && i <= size ? i : null;
    }

    private static Integer integer(String token) {
        if (token.isEmpty() || token.length() > 10) return null;
        for (int k = 0; k < token.length(); k++) {
            char c = token.charAt(k);
            boolean digit = c >= '0' && c <= '9';
            if (!(digit || (k == 0 && c == '-' && token.length() > 1))) return null;
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
