package dev.beluga.agent.env;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion, used for env values, command, args and {@code subPathExpr}:
 * <ul>
 *   <li>{@code $(NAME)} is replaced by the value of NAME; an undefined NAME leaves {@code $(NAME)} as written;</li>
 *   <li>{@code $$} is an escaped {@code $} (so {@code $$(A)} gives {@code $(A)});</li>
 *   <li>{@code $} followed by anything else, a {@code $} at the end, and an unterminated {@code $(...} stay as
 *       written; there is no nesting, no {@code ${...}} and no backslash escaping.</li>
 * </ul>
 * The result of a replacement is never expanded again. Pure functions.
 */
public final class Expansion {
    private Expansion() {
    }

    /**
     * Expands {@code input}; {@code mapping} returns a variable's value, or null when the variable is undefined (the
     * reference is then kept literally).
     */
    public static String expand(String input, Function<String, String> mapping) {
        int n = input.length();
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < n; i++) {
            if (input.charAt(i) != '$' || i + 1 >= n) continue;
            if (out == null) out = new StringBuilder(n + 16);
            out.append(input, copied, i);
            char next = input.charAt(i + 1);
            int consumed;
            if (next == '$') {
                out.append('$');
                consumed = 1;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    out.append("$(");
                    consumed = 1;
                } else {
                    String name = input.substring(i + 2, close);
                    String value = mapping.apply(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    consumed = close - i;
                }
            } else {
                int cp = input.codePointAt(i + 1);
                out.append('$').appendCodePoint(cp);
                consumed = Character.charCount(cp);
            }
            i += consumed;
            copied = i + 1;
        }
        if (out == null) return input;
        return out.append(input, copied, n).toString();
    }

    /** Expands against the maps in order: the first map that defines a name gives its value. */
    @SafeVarargs
    public static String expand(String input, Map<String, String>... contexts) {
        return expand(input, name -> {
            for (Map<String, String> context : contexts) {
                String v = context.get(name);
                if (v != null) return v;
            }
            return null;
        });
    }

    /**
     * A container's command or args expanded against its final environment, as the kubelet does before it creates the
     * container (null or empty in, empty out).
     */
    public static List<String> expandAll(List<String> inputs, List<EnvVariable> environment) {
        if (inputs == null || inputs.isEmpty()) return List.of();
        Map<String, String> env = EnvVariable.toMap(environment);
        List<String> out = new ArrayList<>(inputs.size());
        for (String s : inputs) out.add(expand(s, env));
        return out;
    }
}
