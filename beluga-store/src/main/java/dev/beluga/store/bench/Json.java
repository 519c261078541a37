package dev.beluga.store.bench;

import java.util.Collection;
import java.util.Map;

/** Renders the flat maps of benchmark figures as JSON (strings, numbers, booleans, nested maps and lists). */
public final class Json {
    private Json() {
    }

    public static String of(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    write(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) sb.append(',');
                    first = false;
                    write(sb, o);
                }
                sb.append(']');
            }
            case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
            case Double d -> sb.append(Math.round(d * 1000) / 1000.0);
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            default -> {
                sb.append('"');
                for (char ch : v.toString().toCharArray()) {
                    switch (ch) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        default -> {
                            if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                            else sb.append(ch);
                        }
                    }
                }
                sb.append('"');
            }
        }
    }
}
