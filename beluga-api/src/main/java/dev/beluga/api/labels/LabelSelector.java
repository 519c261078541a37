package dev.beluga.api.labels;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector: a conjunction of requirements, each equality-based ({@code a=b}, {@code a==b},
 * {@code a!=b}) or set-based ({@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}).
 *
 * <p>Immutable and thread-safe. {@link #EVERYTHING} matches all objects, {@link #NOTHING} none (what a null
 * structured selector means).
 */
public final class LabelSelector {
    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    /** One requirement; values are sorted. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> labels.containsKey(key);
                case DOES_NOT_EXIST -> !labels.containsKey(key);
            };
        }

        @Override
        public String toString() {
            String vs = String.join(",", values);
            return switch (operator) {
                case EQUALS -> key + "=" + vs;
                case NOT_EQUALS -> key + "!=" + vs;
                case IN -> key + " in (" + vs + ")";
                case NOT_IN -> key + " notin (" + vs + ")";
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
            };
        }
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    public static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        this.requirements = requirements;
        this.nothing = nothing;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** True when it selects everything (no requirements). */
    public boolean isEmpty() {
        return !nothing && requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        if (nothing) return false;
        for (Requirement r : requirements) if (!r.matches(labels)) return false;
        return true;
    }

    /** Matches a JSON object of labels (absent or null = no labels). */
    public boolean matches(JsonNode labels) {
        if (nothing) return false;
        if (requirements.isEmpty()) return true;
        return matches(toMap(labels));
    }

    private static Map<String, String> toMap(JsonNode labels) {
        Map<String, String> m = new java.util.HashMap<>();
        if (labels != null && labels.isObject())
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
        return m;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Requirement r : requirements) parts.add(r.toString());
        return String.join(",", parts);
    }

    /** The structured form ({@code matchLabels} + {@code matchExpressions}); null means nothing, {} everything. */
    public static LabelSelector fromJson(JsonNode sel) {
        if (sel == null || sel.isNull() || sel.isMissingNode()) return NOTHING;
        List<Requirement> reqs = new ArrayList<>();
        JsonNode ml = sel.path("matchLabels");
        for (Iterator<Map.Entry<String, JsonNode>> it = ml.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            checkKey(e.getKey());
            checkValue(e.getValue().asText());
            reqs.add(new Requirement(e.getKey(), Operator.EQUALS, Set.of(e.getValue().asText())));
        }
        for (JsonNode ex : sel.path("matchExpressions")) {
            String key = ex.path("key").asText();
            checkKey(key);
            Set<String> values = new TreeSet<>();
            ex.path("values").forEach(v -> values.add(v.asText()));
            Operator op = switch (ex.path("operator").asText()) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw new InvalidSelectorException("\"" + ex.path("operator").asText() + "\" is not a valid label selector operator");
            };
            if ((op == Operator.IN || op == Operator.NOT_IN) && values.isEmpty())
                throw new InvalidSelectorException("for 'in', 'notin' operators, values set can't be empty");
            if ((op == Operator.EXISTS || op == Operator.DOES_NOT_EXIST) && !values.isEmpty())
                throw new InvalidSelectorException("values set must be empty for exists and does not exist");
            reqs.add(new Requirement(key, op, values));
        }
        return of(reqs);
    }

    private static LabelSelector of(List<Requirement> reqs) {
        List<Requirement> sorted = new ArrayList<>(reqs);
        sorted.sort(Comparator.comparing(Requirement::key));
        return new LabelSelector(List.copyOf(sorted), false);
    }

    /** Parses the string form of {@code ?labelSelector=}; empty means everything. */
    public static LabelSelector parse(String s) {
        if (s == null || s.isBlank()) return EVERYTHING;
        return of(new Parser(s).parse());
    }

    static void checkKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches())
                throw new InvalidSelectorException("invalid label key \"" + key + "\": prefix part must be a lowercase RFC 1123 subdomain");
        }
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches())
            throw new InvalidSelectorException("invalid label key \"" + key + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }

    static void checkValue(String v) {
        if (v.length() > 63 || !VALUE.matcher(v).matches())
            throw new InvalidSelectorException("invalid label value: \"" + v + "\": at key: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }

    /** A small hand-written lexer + parser for the selector grammar. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<Requirement> parse() {
            List<Requirement> out = new ArrayList<>();
            while (true) {
                skipSpace();
                out.add(requirement());
                skipSpace();
                if (pos >= s.length()) return out;
                if (s.charAt(pos) != ',') throw error("found '" + s.charAt(pos) + "', expected: ',' or 'end of string'");
                pos++;
            }
        }

        private Requirement requirement() {
            boolean not = false;
            if (peek() == '!') {
                not = true;
                pos++;
                skipSpace();
            }
            String key = identifier();
            if (key.isEmpty()) throw error("found '" + (pos < s.length() ? s.charAt(pos) : "end of string") + "', expected: identifier");
            checkKey(key);
            skipSpace();
            if (not) {
                if (pos < s.length() && s.charAt(pos) != ',') throw error("found '" + s.charAt(pos) + "', expected: ',' or 'end of string'");
                return new Requirement(key, Operator.DOES_NOT_EXIST, Set.of());
            }
            if (pos >= s.length() || s.charAt(pos) == ',') return new Requirement(key, Operator.EXISTS, Set.of());
            if (s.startsWith("==", pos)) {
                pos += 2;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            if (s.startsWith("!=", pos)) {
                pos += 2;
                return new Requirement(key, Operator.NOT_EQUALS, Set.of(value()));
            }
            if (s.charAt(pos) == '=') {
                pos++;
                return new Requirement(key, Operator.EQUALS, Set.of(value()));
            }
            String word = identifier();
            if (word.equals("in") || word.equals("notin")) {
                skipSpace();
                if (peek() != '(') throw error("found '" + (pos < s.length() ? s.charAt(pos) : "end of string") + "', expected: '('");
                pos++;
                Set<String> values = new LinkedHashSet<>();
                while (true) {
                    skipSpace();
                    String v = identifier();
                    checkValue(v);
                    values.add(v);
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                        continue;
                    }
                    if (peek() == ')') {
                        pos++;
                        break;
                    }
                    throw error("found '" + (pos < s.length() ? s.charAt(pos) : "end of string") + "', expected: ',', or ')'");
                }
                return new Requirement(key, word.equals("in") ? Operator.IN : Operator.NOT_IN, new TreeSet<>(values));
            }
            throw error("found '" + (word.isEmpty() ? (pos < s.length() ? String.valueOf(s.charAt(pos)) : "end of string") : word)
                + "', expected: in, notin, =, ==, !=, gt, lt");
        }

        private String value() {
            skipSpace();
            String v = identifier();
            checkValue(v);
            return v;
        }

        private String identifier() {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/') pos++;
                else break;
            }
            return s.substring(start, pos);
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private InvalidSelectorException error(String detail) {
            return new InvalidSelectorException("unable to parse requirement: " + detail);
        }
    }
}
