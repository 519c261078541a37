package dev.beluga.store.bench;

import java.util.Arrays;

/** Collects latency samples (nanoseconds) from one thread, or merged from several; reports percentiles in ms. */
public final class Latencies {
    private long[] samples = new long[1024];
    private int n;

    public void add(long nanos) {
        if (n == samples.length) samples = Arrays.copyOf(samples, n * 2);
        samples[n++] = nanos;
    }

    public synchronized void addAll(Latencies other) {
        for (int i = 0; i < other.n; i++) add(other.samples[i]);
    }

    public int count() {
        return n;
    }

    /** The q-quantile (0..1) in milliseconds. */
    public double percentileMs(double q) {
        if (n == 0) return Double.NaN;
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
        return s[idx] / 1e6;
    }
}
