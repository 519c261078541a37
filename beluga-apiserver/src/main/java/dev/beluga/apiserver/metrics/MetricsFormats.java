package dev.beluga.apiserver.metrics;

import java.math.BigDecimal;
import java.time.Duration;

/** How the metrics API writes its values: canonical resource quantities and Go durations, as metrics-server does. */
final class MetricsFormats {
    private static final String[] DECIMAL_SUFFIXES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private MetricsFormats() {
    }

    /** A CPU amount in billionths of a core as a canonical decimal quantity: {@code 250m}, {@code 1500m}, {@code 2}, {@code 123n}. */
    static String cpu(long nanoCores) {
        return decimal(nanoCores, -9);
    }

    /**
     * Bytes as a canonical binary quantity: the largest power of 1024 that divides it ({@code 13432Ki}, {@code 2Gi}),
     * plain bytes when none does; below 1024 the decimal form ({@code 512}, {@code 1k}).
     */
    static String memory(long bytes) {
        if (bytes > -1024 && bytes < 1024) return decimal(bytes, 0);
        long v = bytes;
        int i = 0;
        while (v % 1024 == 0 && i < BINARY_SUFFIXES.length - 1) {
            v /= 1024;
            i++;
        }
        return v + BINARY_SUFFIXES[i];
    }

    /** {@code mantissa × 10^exponent} with trailing zeros folded into an SI suffix whose exponent is a multiple of 3. */
    private static String decimal(long mantissa, int exponent) {
        if (mantissa == 0) return "0";
        long m = mantissa;
        int e = exponent;
        while (m % 10 == 0) {
            m /= 10;
            e++;
        }
        int e3 = Math.floorDiv(e, 3) * 3;
        if (e3 > 18) e3 = 18;
        BigDecimal scaled = BigDecimal.valueOf(m).scaleByPowerOfTen(e - e3);
        return scaled.toBigIntegerExact() + DECIMAL_SUFFIXES[(e3 + 9) / 3];
    }

    /** Go's {@code time.Duration.String()}: {@code 15.012s}, {@code 1m0.5s}, {@code 1h2m3s}, {@code 250ms}, {@code 0s}. */
    static String goDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) return "0s";
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000) return sign + n + "ns";
        if (n < 1_000_000) return sign + fraction(n, 1_000) + "µs";
        if (n < 1_000_000_000) return sign + fraction(n, 1_000_000) + "ms";
        long hours = n / 3_600_000_000_000L;
        long minutes = n / 60_000_000_000L % 60;
        long rest = n % 60_000_000_000L;
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) out.append(hours).append('h');
        if (hours > 0 || minutes > 0) out.append(minutes).append('m');
        return out.append(fraction(rest, 1_000_000_000)).append('s').toString();
    }

    /** {@code value / unit} with the fraction's trailing zeros dropped. */
    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
