package dev.beluga.api.quota;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact resource quantity ({@code 500m}, {@code 1.5Gi}, {@code 2e3}) with the notation it prints in: binary
 * ({@code Ki}, {@code Mi}, ...) when it was written so, decimal otherwise — as upstream's {@code resource.Quantity},
 * whose sums keep the format of their first operand. Printing is canonical like upstream's: the largest suffix that
 * keeps the number whole ({@code 1500m}, {@code 2k}, {@code 1536Mi}), so quota status and messages read as kubectl
 * users expect. Immutable and thread-safe.
 */
public record Amount(BigDecimal value, boolean binary) implements Comparable<Amount> {
    public static final Amount ZERO = new Amount(BigDecimal.ZERO, false);
    public static final Amount ONE = new Amount(BigDecimal.ONE, false);
    private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final BigInteger KI = BigInteger.valueOf(1024);
    private static final BigDecimal LIMIT = BigDecimal.valueOf(Long.MAX_VALUE);

    public Amount {
        value = value.stripTrailingZeros();
    }

    /**
     * Parses a quantity string.
     *
     * @throws IllegalArgumentException when {@code text} is not a Kubernetes quantity
     */
    public static Amount parse(String text) {
        if (text == null) throw new IllegalArgumentException("quantity is null");
        int i = 0;
        int n = text.length();
        if (i < n && (text.charAt(0) == '+' || text.charAt(0) == '-')) i++;
        int digits = 0;
        while (i < n && ((text.charAt(i) >= '0' && text.charAt(i) <= '9') || text.charAt(i) == '.')) {
            if (text.charAt(i) != '.') digits++;
            i++;
        }
        String number = text.substring(0, i);
        String suffix = text.substring(i);
        if (digits == 0) throw new IllegalArgumentException(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': " + text);
        BigDecimal base;
        try {
            base = new BigDecimal(number.startsWith("+") ? number.substring(1) : number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unable to parse quantity's numeric part: " + text);
        }
        Amount a = switch (suffix) {
            case "" -> new Amount(base, false);
            case "n" -> new Amount(base.movePointLeft(9), false);
            case "u" -> new Amount(base.movePointLeft(6), false);
            case "m" -> new Amount(base.movePointLeft(3), false);
            case "k" -> new Amount(base.movePointRight(3), false);
            case "M" -> new Amount(base.movePointRight(6), false);
            case "G" -> new Amount(base.movePointRight(9), false);
            case "T" -> new Amount(base.movePointRight(12), false);
            case "P" -> new Amount(base.movePointRight(15), false);
            case "E" -> new Amount(base.movePointRight(18), false);
            case "Ki" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 10)), true);
            case "Mi" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 20)), true);
            case "Gi" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 30)), true);
            case "Ti" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 40)), true);
            case "Pi" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 50)), true);
            case "Ei" -> new Amount(base.multiply(BigDecimal.valueOf(1L << 60)), true);
            default -> new Amount(base.scaleByPowerOfTen(exponent(suffix, text)), false);
        };
        // as upstream: nothing finer than nano (rounded up), nothing beyond a 64-bit integer
        BigDecimal v = a.value.scale() > 9 ? a.value.setScale(9, java.math.RoundingMode.CEILING) : a.value;
        if (v.abs().compareTo(LIMIT) > 0) v = v.signum() > 0 ? LIMIT : LIMIT.negate();
        return v == a.value ? a : new Amount(v, a.binary);
    }

    /** The power of ten of an exponent suffix ({@code e3}, {@code E-2}), within what a 64-bit quantity can mean. */
    private static int exponent(String suffix, String text) {
        if (suffix.length() >= 2 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            String digits = suffix.substring(1);
            if (digits.matches("[+-]?[0-9]{1,3}")) {
                int e = Integer.parseInt(digits);
                if (e >= -30 && e <= 30) return e;
            }
            if (digits.matches("[+-]?[0-9]+")) throw new IllegalArgumentException("quantity's exponent is out of range: " + text);
        }
        throw new IllegalArgumentException("unable to parse quantity's suffix: " + text);
    }

    /** Parses {@code text}, or null when it is null or not a quantity (validation reports bad quantities). */
    public static Amount parseOrNull(String text) {
        try {
            return text == null ? null : parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static Amount of(long n) {
        return new Amount(BigDecimal.valueOf(n), false);
    }

    /** The sum, in this amount's notation (the other's when this one is zero). */
    public Amount plus(Amount other) {
        return new Amount(value.add(other.value), value.signum() == 0 ? other.binary : binary);
    }

    public Amount minus(Amount other) {
        return new Amount(value.subtract(other.value), value.signum() == 0 ? other.binary : binary);
    }

    /** The larger of the two (this one when equal). */
    public Amount max(Amount other) {
        return compareTo(other) >= 0 ? this : other;
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    @Override
    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Amount a && value.compareTo(a.value) == 0;
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The canonical text: {@code 0}, {@code 500m}, {@code 1500m}, {@code 2}, {@code 1k}, {@code 1536Mi}, {@code 1Gi}. */
    @Override
    public String toString() {
        if (value.signum() == 0) return "0";
        if (binary && value.abs().compareTo(BigDecimal.valueOf(1024)) >= 0 && value.scale() <= 0) {
            // upstream's BinarySI: whole numbers from 1024 up keep binary notation, with the largest suffix that divides
            BigInteger whole = value.toBigIntegerExact();
            int power = 0;
            while (power < BINARY.length - 1 && whole.mod(KI).signum() == 0 && whole.abs().compareTo(KI) >= 0) {
                whole = whole.divide(KI);
                power++;
            }
            return whole + BINARY[power];
        }
        // decimal: the largest power of 1000 (from nano, rounding up below it as upstream) that keeps the number whole
        BigDecimal v = value;
        for (int p = DECIMAL.length - 1; p >= 0; p--) {
            BigDecimal scaled = v.movePointLeft(3 * (p - 3));
            if (scaled.stripTrailingZeros().scale() <= 0) return scaled.toBigInteger() + DECIMAL[p];
        }
        return v.toPlainString();
    }
}
