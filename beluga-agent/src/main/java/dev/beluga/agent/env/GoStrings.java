package dev.beluga.agent.env;

/**
 * Go's {@code %q} verb (strconv.Quote) for the strings that appear in kubelet messages and in downward API label and
 * annotation files: double quotes, {@code \\} and {@code \"} escaped, the usual C escapes for control characters,
 * a backslash-x escape for other ASCII controls and a backslash-u escape for non-printable characters beyond ASCII. Printable
 * Unicode is kept as is. Pure function.
 */
public final class GoStrings {
    private GoStrings() {
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0b -> b.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) b.append(String.format("\\x%02x", cp));
                    else if (!printable(cp)) b.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                    else b.appendCodePoint(cp);
                }
            }
        });
        return b.append('"').toString();
    }

    private static boolean printable(int cp) {
        if (Character.isISOControl(cp) || !Character.isDefined(cp)) return false;
        int type = Character.getType(cp);
        return type != Character.FORMAT && type != Character.SURROGATE && type != Character.PRIVATE_USE
            && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
            && (type != Character.SPACE_SEPARATOR || cp == ' ');
    }
}
