package dev.beluga.api.labels;

/**
 * The operator of a label {@link Requirement}, as in k8s.io/apimachinery/pkg/selection.
 *
 * <p>{@link #EQUALS} and {@link #DOUBLE_EQUALS} match alike; they are kept apart only so that a parsed selector
 * prints back the way it was written ({@code a=b} or {@code a==b}), as upstream does.
 */
public enum Operator {
    /** {@code key=value}: the label is present with that value. */
    EQUALS("="),
    /** {@code key==value}: same as {@link #EQUALS}. */
    DOUBLE_EQUALS("=="),
    /** {@code key!=value}: the label is absent or has another value. */
    NOT_EQUALS("!="),
    /** {@code key in (v1,v2)}: the label is present with one of the values. */
    IN("in"),
    /** {@code key notin (v1,v2)}: the label is absent or has none of the values. */
    NOT_IN("notin"),
    /** {@code key}: the label is present. */
    EXISTS("exists"),
    /** {@code !key}: the label is absent. */
    DOES_NOT_EXIST("!"),
    /** {@code key>n}: the label is present and its value, as a 64-bit integer, is greater than n. */
    GREATER_THAN("gt"),
    /** {@code key<n}: the label is present and its value, as a 64-bit integer, is less than n. */
    LESS_THAN("lt");

    private final String upstreamName;

    Operator(String upstreamName) {
        this.upstreamName = upstreamName;
    }

    /** The operator's name in upstream's {@code selection.Operator} (used in error messages). */
    public String upstreamName() {
        return upstreamName;
    }

    /** True for the operators that require the label to equal a single value ({@code =}, {@code ==}). */
    public boolean isEquality() {
        return this == EQUALS || this == DOUBLE_EQUALS;
    }
}
