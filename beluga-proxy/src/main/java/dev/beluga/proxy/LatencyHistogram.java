package dev.beluga.proxy;

import java.util.Arrays;

/**
 * Durations of one kind — how long Service and EndpointSlice changes took to reach the node's forwarding (upstream's
 * network_programming_duration_seconds, measured here from the moment the agent received the change), or how long
 * syncs took: a cumulative histogram for {@code /metrics} and a window of the most recent samples for percentiles in
 * benchmarks.
 *
 * <p>Threading: all methods synchronized; cheap enough to call once per changed Service per sync.
 */
public final class LatencyHistogram {
    /** Upper bounds of the histogram buckets, seconds (upstream's buckets, cut at 5 minutes). */
    static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300};
    private static final int WINDOW = 100_000;

    private final long[] bucketCounts = new long[BUCKETS.length];
    private long count;
    private double sumSeconds;
    private final long[] recentNanos = new long[WINDOW];
    private int recentSize;
    private int recentNext;

    public synchronized void record(long nanos) {
        double s = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) if (s <= BUCKETS[i]) bucketCounts[i]++;
        count++;
        sumSeconds += s;
        recentNanos[recentNext] = nanos;
        recentNext = (recentNext + 1) % WINDOW;
        recentSize = Math.min(recentSize + 1, WINDOW);
    }

    public synchronized long count() {
        return count;
    }

    /** The q-quantile (0..1) of the recent samples, in milliseconds; NaN when there are none. */
    public synchronized double percentileMillis(double q) {
        if (recentSize == 0) return Double.NaN;
        long[] copy = Arrays.copyOf(recentNanos, recentSize);
        Arrays.sort(copy);
        int i = (int) Math.ceil(q * copy.length) - 1;
        return copy[Math.max(0, Math.min(copy.length - 1, i))] / 1e6;
    }

    /** Forgets the recent samples (benchmarks measure one phase at a time); the histogram keeps counting. */
    public synchronized void resetWindow() {
        recentSize = 0;
        recentNext = 0;
    }

    /** The histogram in the Prometheus text format, under {@code name}. */
    public synchronized String prometheus(String name, String help) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < BUCKETS.length; i++)
            b.append(name).append("_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(bucketCounts[i]).append('\n');
        b.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        b.append(name).append("_sum ").append(sumSeconds).append('\n');
        b.append(name).append("_count ").append(count).append('\n');
        return b.toString();
    }
}
