package dev.beluga.apiserver.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4), enough for a kubelet's
 * {@code /metrics/resource}: {@code name{label="value",...} value [timestamp]} lines; {@code #} lines (HELP, TYPE,
 * comments) and blank lines are skipped; label values may contain the escapes {@code \\}, {@code \"} and {@code \n};
 * values are Go floats ({@code 1.5e+09}, {@code NaN}, {@code +Inf}); timestamps are milliseconds since the epoch.
 */
final class PrometheusText {
    /** One sample; {@code timestampMillis} is null when the line has none. */
    record Sample(String name, Map<String, String> labels, double value, Long timestampMillis) {
    }

    private PrometheusText() {
    }

    /**
     * The samples of {@code text}, in order.
     *
     * @throws IllegalArgumentException a line that is not a sample, naming its number
     */
    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                out.add(sample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return out;
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) i++;
        String name = line.substring(0, i);
        if (name.isEmpty()) throw new IllegalArgumentException("no metric name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                i = skipSpaces(line, i);
                if (i >= line.length()) throw new IllegalArgumentException("unterminated labels");
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) throw new IllegalArgumentException("label without value");
                String key = line.substring(i, eq).strip();
                i = skipSpaces(line, eq + 1);
                if (i >= line.length() || line.charAt(i) != '"') throw new IllegalArgumentException("label value not quoted");
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= line.length()) throw new IllegalArgumentException("unterminated label value");
                    char c = line.charAt(i++);
                    if (c == '"') break;
                    if (c == '\\' && i < line.length()) {
                        char e = line.charAt(i++);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = skipSpaces(line, i);
                if (i < line.length() && line.charAt(i) == ',') i++;
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty() || rest.length > 2) throw new IllegalArgumentException("expected a value and an optional timestamp");
        Long timestamp = rest.length == 2 ? Long.parseLong(rest[1]) : null;
        return new Sample(name, Map.copyOf(labels), value(rest[0]), timestamp);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static double value(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }
}
