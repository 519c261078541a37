package dev.beluga.api.fields;

import dev.beluga.api.labels.InvalidSelectorException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses the string form of a field selector as upstream's {@code fields.ParseSelector} does: the string is split at
 * unescaped commas, the terms are sorted, empty terms are skipped, and each term is split at the first {@code !=},
 * {@code ==} or {@code =} (no escaping and no trimming on the field side). A term that is just an operator (empty
 * field and empty value) is dropped.
 */
final class FieldSelectorParser {
    private static final String[] OPERATORS = {"!=", "==", "="};

    private FieldSelectorParser() {
    }

    static List<FieldRequirement> parse(String selector) {
        List<String> terms = splitTerms(selector);
        Collections.sort(terms);
        List<FieldRequirement> out = new ArrayList<>();
        for (String term : terms) {
            if (term.isEmpty()) continue;
            FieldRequirement r = term(selector, term);
            if (r.field().isEmpty() && r.value().isEmpty()) continue;
            out.add(r);
        }
        return out;
    }

    private static FieldRequirement term(String selector, String term) {
        for (int i = 0; i < term.length(); i++) {
            for (String op : OPERATORS) {
                if (term.startsWith(op, i)) {
                    String value = FieldValues.unescape(term.substring(i + op.length()));
                    FieldOperator operator = op.equals("!=") ? FieldOperator.NOT_EQUALS : FieldOperator.EQUALS;
                    return new FieldRequirement(term.substring(0, i), operator, value);
                }
            }
        }
        throw new InvalidSelectorException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
    }

    /** The comma-separated terms; a backslash-escaped comma stays in its term, with its backslash. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        if (selector.isEmpty()) return terms;
        int start = 0;
        boolean inEscape = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (inEscape) inEscape = false;
            else if (c == '\\') inEscape = true;
            else if (c == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }
}
