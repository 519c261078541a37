package dev.beluga.api.labels;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Formats validation errors the way upstream's {@code field.Error} and {@code ErrorList.ToAggregate()} print them:
 * {@code <path>: Invalid value: "<value>": <detail>}, several joined as {@code [e1, e2]}.
 */
final class FieldErrorText {
    private FieldErrorText() {
    }

    /** An "Invalid value" error for a string value (quoted as Go's {@code %q} does). */
    static String invalid(String path, String value, String detail) {
        return path + ": Invalid value: " + goQuote(value) + ": " + detail;
    }

    /** An "Invalid value" error for a list of strings (rendered as JSON, {@code null} when empty). */
    static String invalidList(String path, List<String> values, String detail) {
        String rendered;
        if (values.isEmpty()) {
            rendered = "null";
        } else {
            List<String> quoted = new ArrayList<>();
            for (String v : values) quoted.add(goQuote(v));
            rendered = "[" + String.join(",", quoted) + "]";
        }
        return path + ": Invalid value: " + rendered + ": " + detail;
    }

    /** One error as is; several, de-duplicated, as {@code [e1, e2]}. */
    static String aggregate(List<String> errors) {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(errors));
        return unique.size() == 1 ? unique.getFirst() : "[" + String.join(", ", unique) + "]";
    }

    /** A double-quoted string with Go-style escapes for quotes, backslashes and control characters. */
    static String goQuote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
