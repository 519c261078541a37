package dev.beluga.scheduler.util;

import dev.beluga.api.quota.Amount;
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
     * The exact decimal value of a quantity string ({@link Amount#parse}, shared with the quota rules).
     *
     * @throws IllegalArgumentException when the text is not a Kubernetes quantity
     */
    public static BigDecimal parse(String s) {
        return Amount.parse(s).value();
    }

    private static long toLong(BigDecimal v) {
        BigDecimal up = v.setScale(0, RoundingMode.CEILING);
        if (up.compareTo(LONG_MAX) > 0) return Long.MAX_VALUE;
        if (up.compareTo(LONG_MAX.negate()) < 0) return Long.MIN_VALUE;
        BigInteger bi = up.toBigIntegerExact();
        return bi.longValue();
    }
}
