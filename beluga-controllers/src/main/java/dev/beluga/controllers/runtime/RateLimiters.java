package dev.beluga.controllers.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate limiters of client-go's workqueue package: per-item exponential backoff, an overall token bucket, and the
 * maximum of several. {@link #controllerDefault()} is client-go's {@code DefaultControllerRateLimiter}: 5 ms doubling
 * per failure up to 1000 s per item, combined with 10 requeues/s (burst 100) overall.
 */
public final class RateLimiters {
    private RateLimiters() {
    }

    public static <K> RateLimiter<K> controllerDefault() {
        return maxOf(List.of(exponential(Duration.ofMillis(5), Duration.ofSeconds(1000)), bucket(10, 100)));
    }

    /** {@code base × 2^failures}, capped at {@code max}. */
    public static <K> RateLimiter<K> exponential(Duration base, Duration max) {
        return new RateLimiter<>() {
            private final Map<K, Integer> failures = new ConcurrentHashMap<>();

            @Override
            public Duration when(K item) {
                int n = failures.merge(item, 1, Integer::sum) - 1;
                if (n >= 62) return max;
                double nanos = base.toNanos() * Math.pow(2, n);
                return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
            }

            @Override
            public void forget(K item) {
                failures.remove(item);
            }

            @Override
            public int retries(K item) {
                return failures.getOrDefault(item, 0);
            }
        };
    }

    /**
     * A token bucket of {@code burst} tokens refilled at {@code perSecond}: each call takes a token, waiting for a
     * future one when the bucket is empty (the delay returned). Not per item: {@link RateLimiter#forget} does nothing.
     */
    public static <K> RateLimiter<K> bucket(double perSecond, int burst) {
        return new RateLimiter<>() {
            private double tokens = burst;
            private long last = System.nanoTime();

            @Override
            public synchronized Duration when(K item) {
                long now = System.nanoTime();
                tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
                last = now;
                tokens -= 1;
                if (tokens >= 0) return Duration.ZERO;
                return Duration.ofNanos((long) (-tokens / perSecond * 1e9));
            }

            @Override
            public void forget(K item) {
            }

            @Override
            public int retries(K item) {
                return 0;
            }
        };
    }

    /** The longest delay of all limiters (each of them counts the failure). */
    public static <K> RateLimiter<K> maxOf(List<RateLimiter<K>> limiters) {
        return new RateLimiter<>() {
            @Override
            public Duration when(K item) {
                Duration d = Duration.ZERO;
                for (RateLimiter<K> l : limiters) {
                    Duration x = l.when(item);
                    if (x.compareTo(d) > 0) d = x;
                }
                return d;
            }

            @Override
            public void forget(K item) {
                for (RateLimiter<K> l : limiters) l.forget(item);
            }

            @Override
            public int retries(K item) {
                int r = 0;
                for (RateLimiter<K> l : limiters) r = Math.max(r, l.retries(item));
                return r;
            }
        };
    }
}
