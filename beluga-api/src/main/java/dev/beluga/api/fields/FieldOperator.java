package dev.beluga.api.fields;

/** The operator of a field selector requirement; {@code ==} is read as {@link #EQUALS}, as upstream reads it. */
public enum FieldOperator {
    /** {@code field=value} or {@code field==value}. */
    EQUALS("="),
    /** {@code field!=value}. */
    NOT_EQUALS("!=");

    private final String symbol;

    FieldOperator(String symbol) {
        this.symbol = symbol;
    }

    /** How the operator is written ({@code =} or {@code !=}). */
    public String symbol() {
        return symbol;
    }
}
