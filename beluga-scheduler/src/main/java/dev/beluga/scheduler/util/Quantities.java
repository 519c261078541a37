package dev.beluga.scheduler.util;

import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Parses Kubernetes resource quantities ({@code 500m}, {@code 1.5Gi}, {@code 2e3}) into integers, rounding up as
 * upstream's {@code Quantity.Value()} and {@code MilliValue()} do. Values beyond {@code long} saturate.
 * Stateless and thread-safe; called when a pod or node enters the scheduler, never per scheduling cycle.
 */
public final class Quantities {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {
    }

    /** The quantity's text as written ({@code amount} followed by {@code format}); null for a null quantity. */
    public static String text(Quantity q) {
        if (q == null) return null;
        String amount = q.getAmount() == null ? "" : q.getAmount();
        String format = q.getFormat() == null ? "" : q.getFormat();
        return amount + format;
    }

    /** The quantity in thousandths, rounded up (CPU in millicores); 0 for null. */
    public static long milliValue(Quantity q) {
        return q == null ? 0 : parseMilli(text(q));
    }

    /** The quantity as an integer, rounded up (memory in bytes, pods, extended resources); 0 for null. */
    public static long value(Quantity q) {
        return q == null ? 0 : parseValue(text(q));
    }

    /** Parses a quantity and returns thousandths of it, rounded up. */
    public static long parseMilli(String s) {
        return toLong(parse(s).multiply(THOUSAND));
    }

    /** Parses a quantity and returns it as an integer, rounded up. */
    public static long parseValue(String s) {
        return toLong(parse(s));
    }

    /**
     * The exact decimal value of a quantity string.
     *
     * @throws IllegalArgumentException when the text is not a Kubernetes quantity
     */
    public static BigDecimal parse(String s) {
        if (s == null) throw new IllegalArgumentException("quantity is null");
        String t = s.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("quantities must match the regular expression");
        int i = 0;
        int n = t.length();
        if (t.charAt(0) == '+' || t.charAt(0) == '-') i++;
        while (i < n && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
        String number = t.substring(0, i);
        String suffix = t.substring(i);
        if (number.isEmpty() || number.equals("+") || number.equals("-") || number.equals("."))
            throw new IllegalArgumentException("unable to parse quantity's suffix: " + s);
        BigDecimal base;
        try {
            base = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unable to parse quantity's suffix: " + s, e);
        }
        return switch (suffix) {
            case "" -> base;
            case "n" -> base.movePointLeft(9);
            case "u" -> base.movePointLeft(6);
            case "m" -> base.movePointLeft(3);
            case "k" -> base.movePointRight(3);
            case "M" -> base.movePointRight(6);
            case "G" -> base.movePointRight(9);
            case "T" -> base.movePointRight(12);
            case "P" -> base.movePointRight(15);
            case "E" -> base.movePointRight(18);
            case "Ki" -> base.multiply(BigDecimal.valueOf(1L << 10));
            case "Mi" -> base.multiply(BigDecimal.valueOf(1L << 20));
            case "Gi" -> base.multiply(BigDecimal.valueOf(1L << 30));
            case "Ti" -> base.multiply(BigDecimal.valueOf(1L << 40));
            case "Pi" -> base.multiply(BigDecimal.valueOf(1L << 50));
            case "Ei" -> base.multiply(BigDecimal.valueOf(1L << 60));
            default -> exponent(base, suffix, s);
        };
    }

    private static BigDecimal exponent(BigDecimal base, String suffix, String original) {
        if (suffix.length() >= 2 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                int exp = Integer.parseInt(suffix.substring(1));
                return base.scaleByPowerOfTen(exp);
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        throw new IllegalArgumentException("unable to parse quantity's suffix: " + original);
    }

    private static long toLong(BigDecimal v) {
        BigDecimal up = v.setScale(0, RoundingMode.CEILING);
        if (up.compareTo(LONG_MAX) > 0) return Long.MAX_VALUE;
        if (up.compareTo(LONG_MAX.negate()) < 0) return Long.MIN_VALUE;
        BigInteger bi = up.toBigIntegerExact();
        return bi.longValue();
    }
}
