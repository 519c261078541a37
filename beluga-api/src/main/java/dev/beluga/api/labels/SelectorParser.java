package dev.beluga.api.labels;

import dev.beluga.api.labels.SelectorLexer.Kind;
import dev.beluga.api.labels.SelectorLexer.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the string form of a label selector with upstream's grammar and error messages:
 *
 * <pre>
 * selector    ::= requirement | requirement "," selector
 * requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
 * </pre>
 *
 * <p>The keywords {@code in} and {@code notin} are plain identifiers where a value is expected. Errors inside a
 * requirement are prefixed with {@code unable to parse requirement: }, as upstream prefixes them.
 */
final class SelectorParser {
    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final List<Token> tokens;
    private int position;

    private SelectorParser(String selector) {
        this.tokens = SelectorLexer.tokens(selector);
    }

    /** The requirements of {@code selector}, in the order written. */
    static List<Requirement> parse(String selector) {
        return new SelectorParser(selector).selector();
    }

    private List<Requirement> selector() {
        List<Requirement> out = new ArrayList<>();
        while (true) {
            Token t = lookahead(true);
            switch (t.kind()) {
                case IDENTIFIER, NOT -> {
                    try {
                        out.add(requirement());
                    } catch (InvalidSelectorException e) {
                        throw new InvalidSelectorException("unable to parse requirement: " + e.getMessage());
                    }
                    Token after = consume(true);
                    switch (after.kind()) {
                        case END -> {
                            return out;
                        }
                        case COMMA -> {
                            Token next = lookahead(true);
                            if (next.kind() != Kind.IDENTIFIER && next.kind() != Kind.NOT)
                                throw new InvalidSelectorException("found '" + next.literal() + "', expected: identifier after ','");
                        }
                        default -> throw new InvalidSelectorException(
                            "found '" + after.literal() + "', expected: ',' or 'end of string'");
                    }
                }
                case END -> {
                    return out;
                }
                default -> throw new InvalidSelectorException(
                    "found '" + t.literal() + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private Requirement requirement() {
        boolean negated = false;
        Token t = consume(true);
        if (t.kind() == Kind.NOT) {
            negated = true;
            t = consume(true);
        }
        if (t.kind() != Kind.IDENTIFIER) throw new InvalidSelectorException("found '" + t.literal() + "', expected: identifier");
        String key = t.literal();
        List<String> keyErrs = LabelSyntax.keyErrors(key);
        if (!keyErrs.isEmpty())
            throw new InvalidSelectorException(FieldErrorText.invalid("<nil>", key, String.join("; ", keyErrs)));
        Kind next = lookahead(true).kind();
        if (negated) return Requirement.validated(key, Operator.DOES_NOT_EXIST, List.of());
        if (next == Kind.END || next == Kind.COMMA) return Requirement.validated(key, Operator.EXISTS, List.of());
        Operator op = operator();
        Set<String> values = op == Operator.IN || op == Operator.NOT_IN ? valueSet() : exactValue();
        return Requirement.validated(key, op, values);
    }

    private Operator operator() {
        Token t = consume(false);
        return switch (t.kind()) {
            case IN -> Operator.IN;
            case NOT_IN -> Operator.NOT_IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            case GREATER_THAN -> Operator.GREATER_THAN;
            case LESS_THAN -> Operator.LESS_THAN;
            default -> throw new InvalidSelectorException("found '" + t.literal() + "', expected: " + BINARY_OPERATORS);
        };
    }

    /** {@code ( v1, v2 )}; empty entries stand for the empty value, as upstream reads {@code (,a)} or {@code ()}. */
    private Set<String> valueSet() {
        Token open = consume(true);
        if (open.kind() != Kind.OPEN_PAREN) throw new InvalidSelectorException("found '" + open.literal() + "' expected: '('");
        Token first = lookahead(true);
        switch (first.kind()) {
            case IDENTIFIER, COMMA -> {
                Set<String> values = identifierList();
                if (consume(true).kind() != Kind.CLOSE_PAREN)
                    throw new InvalidSelectorException("found '" + first.literal() + "', expected: ')'");
                return values;
            }
            case CLOSE_PAREN -> {
                consume(true);
                return Set.of("");
            }
            default -> throw new InvalidSelectorException("found '" + first.literal() + "', expected: ',', ')' or identifier");
        }
    }

    private Set<String> identifierList() {
        Set<String> values = new TreeSet<>();
        while (true) {
            Token t = consume(true);
            switch (t.kind()) {
                case IDENTIFIER -> {
                    values.add(t.literal());
                    Token next = lookahead(true);
                    if (next.kind() == Kind.CLOSE_PAREN) return values;
                    if (next.kind() != Kind.COMMA)
                        throw new InvalidSelectorException("found '" + next.literal() + "', expected: ',' or ')'");
                }
                case COMMA -> {
                    if (values.isEmpty()) values.add("");
                    Kind next = lookahead(true).kind();
                    if (next == Kind.CLOSE_PAREN) {
                        values.add("");
                        return values;
                    }
                    if (next == Kind.COMMA) {
                        consume(true);
                        values.add("");
                    }
                }
                default -> throw new InvalidSelectorException("found '" + t.literal() + "', expected: ',', or identifier");
            }
        }
    }

    /** The single value after {@code =}, {@code ==}, {@code !=}, {@code >} or {@code <}; nothing means the empty value. */
    private Set<String> exactValue() {
        Kind next = lookahead(true).kind();
        if (next == Kind.END || next == Kind.COMMA) return Set.of("");
        Token t = consume(true);
        if (t.kind() == Kind.IDENTIFIER) return Set.of(t.literal());
        throw new InvalidSelectorException("found '" + t.literal() + "', expected: identifier");
    }

    private Token lookahead(boolean valueContext) {
        return inContext(tokens.get(position), valueContext);
    }

    private Token consume(boolean valueContext) {
        Token t = tokens.get(position);
        if (position < tokens.size() - 1) position++;
        return inContext(t, valueContext);
    }

    /** Where values are expected, {@code in} and {@code notin} are identifiers. */
    private static Token inContext(Token t, boolean valueContext) {
        if (valueContext && (t.kind() == Kind.IN || t.kind() == Kind.NOT_IN)) return new Token(Kind.IDENTIFIER, t.literal());
        return t;
    }
}
