package dev.beluga.api.fields;

import java.util.Objects;

/**
 * One requirement of a field selector: a field path such as {@code spec.nodeName}, an operator and the (unescaped)
 * value. An absent field reads as the empty string, as upstream's {@code fields.Set} reads it.
 */
public record FieldRequirement(String field, FieldOperator operator, String value) {
    public FieldRequirement {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
    }

    /** Whether an object whose value for {@link #field()} is {@code actual} (null when absent) satisfies this requirement. */
    public boolean matches(String actual) {
        boolean equal = value.equals(actual == null ? "" : actual);
        return operator == FieldOperator.EQUALS ? equal : !equal;
    }

    /** The requirement as upstream prints it, with the value escaped ({@code metadata.name=a\,b}). */
    @Override
    public String toString() {
        return field + operator.symbol() + FieldValues.escape(value);
    }
}
