package dev.beluga.api.fields;

import dev.beluga.api.labels.InvalidSelectorException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A field selector ({@code ?fieldSelector=metadata.name=web,status.phase!=Running}): a conjunction of
 * {@code field=value}, {@code field==value} and {@code field!=value}, with upstream's escapes ({@code \,}, {@code \=},
 * {@code \\}) in values. Immutable and thread-safe.
 */
public final class FieldSelector {
    /** One requirement; {@code op} is "=" or "!=". */
    public record Requirement(String field, String op, String value) {
    }

    private final List<Requirement> requirements;

    private FieldSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public static FieldSelector parse(String s) {
        List<Requirement> out = new ArrayList<>();
        if (s == null || s.isBlank()) return new FieldSelector(out);
        for (String term : split(s, ',')) {
            if (term.isEmpty()) continue;
            int i = indexOfUnescaped(term, "!=");
            String op;
            int opLen;
            if (i >= 0) {
                op = "!=";
                opLen = 2;
            } else if ((i = indexOfUnescaped(term, "==")) >= 0) {
                op = "=";
                opLen = 2;
            } else if ((i = indexOfUnescaped(term, "=")) >= 0) {
                op = "=";
                opLen = 1;
            } else {
                throw new InvalidSelectorException("invalid selector: '" + s + "'; can't understand '" + term + "'");
            }
            String field = term.substring(0, i).trim();
            if (field.isEmpty()) throw new InvalidSelectorException("invalid selector: '" + s + "'; field name is empty");
            out.add(new Requirement(field, op, unescape(term.substring(i + opLen))));
        }
        return new FieldSelector(List.copyOf(out));
    }

    /** Whether the object whose fields {@code fieldValue} returns (null when absent) satisfies every requirement. */
    public boolean matches(Function<String, String> fieldValue) {
        for (Requirement r : requirements) {
            String v = fieldValue.apply(r.field());
            if (v == null) v = "";
            boolean eq = v.equals(r.value());
            if (r.op().equals("=") != eq) return false;
        }
        return true;
    }

    /** The value required by an equality on {@code field}, or null. */
    public String exactValue(String field) {
        for (Requirement r : requirements) if (r.field().equals(field) && r.op().equals("=")) return r.value();
        return null;
    }

    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static int indexOfUnescaped(String s, String token) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (s.startsWith(token, i)) return i;
        }
        return -1;
    }

    private static String unescape(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                if (n != '\\' && n != ',' && n != '=') throw new InvalidSelectorException("invalid escape sequence \\" + n);
                sb.append(n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
