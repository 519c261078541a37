package dev.beluga.api.fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Kubernetes field selector ({@code ?fieldSelector=metadata.name=web,status.phase!=Running}): a conjunction of
 * {@code field=value}, {@code field==value} and {@code field!=value}, with upstream's escapes ({@code \,},
 * {@code \=}, {@code \\}) in values. Requirements are kept in upstream's order (terms sorted as written).
 * Immutable and thread-safe.
 *
 * <p>Whether a field may be selected on at all is the caller's business (upstream answers
 * {@code field label not supported} per kind).
 */
public final class FieldSelector {
    /** The selector with no requirements. */
    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<FieldRequirement> requirements;

    private FieldSelector(List<FieldRequirement> requirements) {
        this.requirements = requirements;
    }

    /**
     * Parses the string form; null or empty means {@link #EVERYTHING}.
     *
     * @throws dev.beluga.api.labels.InvalidSelectorException with upstream's message, e.g.
     *     {@code invalid selector: 'x'; can't understand 'x'} or {@code invalid field selector: invalid escape sequence: \q}
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) return EVERYTHING;
        List<FieldRequirement> reqs = FieldSelectorParser.parse(selector);
        return reqs.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(reqs));
    }

    /** A selector of these requirements, in this order. */
    public static FieldSelector of(List<FieldRequirement> requirements) {
        return requirements.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(requirements));
    }

    /** The requirements (field, operator, unescaped value). */
    public List<FieldRequirement> requirements() {
        return requirements;
    }

    /** True when the selector has no requirements. */
    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /**
     * Whether an object satisfies every requirement; {@code fieldValue} returns the object's value for a field path,
     * or null when it has none (which reads as the empty string).
     */
    public boolean matches(Function<String, String> fieldValue) {
        for (FieldRequirement r : requirements) if (!r.matches(fieldValue.apply(r.field()))) return false;
        return true;
    }

    /** Whether an object with these field values (absent = empty string) satisfies every requirement. */
    public boolean matches(Map<String, String> fields) {
        return matches(fields::get);
    }

    /**
     * The value {@code field} must have when the selector requires {@code field=value} (upstream's
     * {@code RequiresExactMatch}, e.g. to look pods up by {@code spec.nodeName}); null otherwise.
     */
    public String exactValue(String field) {
        for (FieldRequirement r : requirements)
            if (r.field().equals(field) && r.operator() == FieldOperator.EQUALS) return r.value();
        return null;
    }

    /** The string form as upstream prints it: requirements joined by commas, values escaped. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (FieldRequirement r : requirements) parts.add(r.toString());
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelector other && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }
}
