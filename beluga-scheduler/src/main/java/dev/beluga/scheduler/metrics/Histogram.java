package dev.beluga.scheduler.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cumulative histogram of durations in seconds with fixed upper bounds, Prometheus-style (bucket {@code i} counts
 * observations {@code <= bounds[i]}; the last implicit bucket is +Inf). Lock-free and thread-safe.
 */
public final class Histogram {
    private final double[] bounds;
    private final AtomicLongArray counts;
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    public Histogram(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    /** Upper bounds {@code start × factor^i}, as Prometheus' {@code ExponentialBuckets}. */
    public static double[] exponentialBuckets(double start, double factor, int n) {
        double[] b = new double[n];
        double v = start;
        for (int i = 0; i < n; i++) {
            b[i] = v;
            v *= factor;
        }
        return b;
    }

    public void observe(double seconds) {
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) i++;
        counts.incrementAndGet(i);
        count.increment();
        sum.add(seconds);
    }

    public void observeNanos(long nanos) {
        observe(nanos / 1e9);
    }

    /** The bucket upper bounds (without +Inf). */
    public double[] bounds() {
        return bounds.clone();
    }

    /** Non-cumulative counts per bucket; the last entry is the +Inf bucket. */
    public long[] bucketCounts() {
        long[] out = new long[counts.length()];
        for (int i = 0; i < out.length; i++) out[i] = counts.get(i);
        return out;
    }

    public long count() {
        return count.sum();
    }

    public double sum() {
        return sum.sum();
    }
}
