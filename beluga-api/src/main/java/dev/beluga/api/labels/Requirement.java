package dev.beluga.api.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One requirement of a label selector: a key, an operator and a set of values (empty for {@link Operator#EXISTS} and
 * {@link Operator#DOES_NOT_EXIST}, one value for the equality and integer comparison operators).
 *
 * <p>The values are kept as an unmodifiable set sorted by natural order, which is also the order in which they print.
 * The canonical constructor does not validate (like upstream's pre-validated selectors); {@link #validated} checks
 * everything upstream's {@code NewRequirement} checks.
 */
public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
        if (key == null || operator == null) throw new NullPointerException("key and operator are required");
        values = Collections.unmodifiableSortedSet(new TreeSet<>(values == null ? Set.of() : values));
    }

    /**
     * A requirement checked as upstream's {@code NewRequirement} checks it: a valid key, a value count that fits the
     * operator, valid label values, integers for {@code gt}/{@code lt}.
     *
     * @throws InvalidSelectorException naming every problem, in upstream's wording
     */
    public static Requirement validated(String key, Operator operator, Collection<String> values) {
        List<String> vals = List.copyOf(values);
        List<String> errs = new ArrayList<>();
        List<String> keyErrs = LabelSyntax.keyErrors(key);
        if (!keyErrs.isEmpty()) errs.add(FieldErrorText.invalid("key", key, String.join("; ", keyErrs)));
        switch (operator) {
            case IN, NOT_IN -> {
                if (vals.isEmpty())
                    errs.add(FieldErrorText.invalidList("values", vals, "for 'in', 'notin' operators, values set can't be empty"));
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (vals.size() != 1)
                    errs.add(FieldErrorText.invalidList("values", vals, "exact-match compatibility requires one single value"));
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!vals.isEmpty())
                    errs.add(FieldErrorText.invalidList("values", vals, "values set must be empty for exists and does not exist"));
            }
            case GREATER_THAN, LESS_THAN -> {
                if (vals.size() != 1)
                    errs.add(FieldErrorText.invalidList("values", vals, "for 'Gt', 'Lt' operators, exactly one value is required"));
                for (int i = 0; i < vals.size(); i++)
                    if (parseLong(vals.get(i)) == null)
                        errs.add(FieldErrorText.invalid("values[" + i + "]", vals.get(i),
                            "for 'Gt', 'Lt' operators, the value must be an integer"));
            }
        }
        for (int i = 0; i < vals.size(); i++) {
            List<String> valueErrs = LabelSyntax.valueErrors(vals.get(i));
            if (!valueErrs.isEmpty())
                errs.add(FieldErrorText.invalid("values[" + i + "][" + key + "]", vals.get(i), String.join("; ", valueErrs)));
        }
        if (!errs.isEmpty()) throw new InvalidSelectorException(FieldErrorText.aggregate(errs));
        return new Requirement(key, operator, new TreeSet<>(vals));
    }

    /** Whether a set of labels (key to value) satisfies this requirement, with upstream's semantics. */
    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        boolean present = value != null || labels.containsKey(key);
        return switch (operator) {
            case EQUALS, DOUBLE_EQUALS, IN -> present && values.contains(value == null ? "" : value);
            case NOT_EQUALS, NOT_IN -> !present || !values.contains(value == null ? "" : value);
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
            case GREATER_THAN, LESS_THAN -> present && compares(value == null ? "" : value);
        };
    }

    private boolean compares(String labelValue) {
        Long actual = parseLong(labelValue);
        if (actual == null || values.size() != 1) return false;
        Long bound = parseLong(values.iterator().next());
        if (bound == null) return false;
        return operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The requirement as upstream prints it: {@code a=b}, {@code a==b}, {@code a!=b}, {@code a in (x,y)}, {@code !a}, ... */
    @Override
    public String toString() {
        String joined = String.join(",", values);
        return switch (operator) {
            case EQUALS -> key + "=" + joined;
            case DOUBLE_EQUALS -> key + "==" + joined;
            case NOT_EQUALS -> key + "!=" + joined;
            case IN -> key + " in (" + joined + ")";
            case NOT_IN -> key + " notin (" + joined + ")";
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
            case GREATER_THAN -> key + ">" + joined;
            case LESS_THAN -> key + "<" + joined;
        };
    }
}
