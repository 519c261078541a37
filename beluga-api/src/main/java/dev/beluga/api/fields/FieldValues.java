package dev.beluga.api.fields;

import dev.beluga.api.labels.InvalidSelectorException;

/**
 * Escaping of field selector values, as upstream's {@code fields.EscapeValue}/{@code UnescapeValue}: a backslash
 * escapes {@code \}, {@code ,} and {@code =}; unescaped {@code ,} or {@code =} and any other escape are errors.
 */
public final class FieldValues {
    private FieldValues() {
    }

    /** {@code value} with {@code \ , =} escaped by a backslash, ready to be put in a field selector. */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=') sb.append('\\');
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * The literal value of an escaped field selector value.
     *
     * @throws InvalidSelectorException on an unknown escape, a trailing backslash or an unescaped {@code ,} or {@code =}
     */
    public static String unescape(String escaped) {
        StringBuilder sb = new StringBuilder(escaped.length());
        boolean inEscape = false;
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (inEscape) {
                if (c != '\\' && c != ',' && c != '=')
                    throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\" + c);
                sb.append(c);
                inEscape = false;
            } else if (c == '\\') {
                inEscape = true;
            } else if (c == ',' || c == '=') {
                // upstream prints the rune as a number
                throw new InvalidSelectorException("invalid field selector: unescaped character in value: " + (int) c);
            } else {
                sb.append(c);
            }
        }
        if (inEscape) throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\");
        return sb.toString();
    }
}
