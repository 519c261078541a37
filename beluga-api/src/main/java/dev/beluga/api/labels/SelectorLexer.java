package dev.beluga.api.labels;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the string form of a label selector into tokens, as upstream's lexer does: whitespace separates, the special
 * symbols {@code = == != ! ( ) , > <} are tokens of their own, and anything else up to the next whitespace or special
 * symbol is an identifier, except the keywords {@code in} and {@code notin}.
 */
final class SelectorLexer {
    enum Kind { END, IDENTIFIER, IN, NOT_IN, OPEN_PAREN, CLOSE_PAREN, COMMA, NOT, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN }

    /** A token and the text it was read from (empty for the end). */
    record Token(Kind kind, String literal) {
    }

    private SelectorLexer() {
    }

    /** All tokens of {@code s}, ending with one {@link Kind#END}. */
    static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            while (pos < s.length() && isWhitespace(s.charAt(pos))) pos++;
            if (pos >= s.length()) {
                out.add(new Token(Kind.END, ""));
                return out;
            }
            char c = s.charAt(pos);
            if (isSpecial(c)) {
                String two = pos + 1 < s.length() ? s.substring(pos, pos + 2) : "";
                if (two.equals("==") || two.equals("!=")) {
                    out.add(new Token(two.equals("==") ? Kind.DOUBLE_EQUALS : Kind.NOT_EQUALS, two));
                    pos += 2;
                } else {
                    out.add(new Token(symbol(c), String.valueOf(c)));
                    pos++;
                }
                continue;
            }
            int start = pos;
            while (pos < s.length() && !isWhitespace(s.charAt(pos)) && !isSpecial(s.charAt(pos))) pos++;
            String word = s.substring(start, pos);
            Kind kind = switch (word) {
                case "in" -> Kind.IN;
                case "notin" -> Kind.NOT_IN;
                default -> Kind.IDENTIFIER;
            };
            out.add(new Token(kind, word));
        }
    }

    private static Kind symbol(char c) {
        return switch (c) {
            case '=' -> Kind.EQUALS;
            case '!' -> Kind.NOT;
            case '(' -> Kind.OPEN_PAREN;
            case ')' -> Kind.CLOSE_PAREN;
            case ',' -> Kind.COMMA;
            case '>' -> Kind.GREATER_THAN;
            case '<' -> Kind.LESS_THAN;
            default -> throw new IllegalArgumentException("not a special symbol: " + c);
        };
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpecial(char c) {
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
    }
}
