package dev.beluga.agent.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU rates ({@code usageNanoCores}) from cumulative CPU times, as the kubelet derives them: the difference to an
 * earlier sample of the same object divided by the time between them. A sample becomes the reference only when it is
 * at least {@link #MIN_WINDOW} newer than the current one; a caller asking more often gets the last rate computed, so
 * no rate is taken over a very short window. A counter that went down (a restarted object under the same key) starts
 * over. Not thread-safe: the caller serializes.
 */
final class CpuRates {
    /** The shortest window a rate is computed over. */
    static final Duration MIN_WINDOW = Duration.ofSeconds(1);

    private record Sample(Instant time, long cumulative, Long rate) {
    }

    private final Map<String, Sample> last = new HashMap<>();

    /**
     * The rate of {@code key} at {@code time} (billionths of a core), or null while there is none (the first sample,
     * or the first after a counter reset, and later ones less than {@link #MIN_WINDOW} after it).
     */
    Long rate(String key, Instant time, long cumulativeNanos) {
        Sample prev = last.get(key);
        if (prev == null || cumulativeNanos < prev.cumulative() || time.isBefore(prev.time())) {
            last.put(key, new Sample(time, cumulativeNanos, null));
            return null;
        }
        long windowNanos = Duration.between(prev.time(), time).toNanos();
        if (windowNanos < MIN_WINDOW.toNanos()) return prev.rate();
        long rate = Math.round((cumulativeNanos - prev.cumulative()) * 1e9 / windowNanos);
        last.put(key, new Sample(time, cumulativeNanos, rate));
        return rate;
    }

    /** Forgets every key not in {@code keep} (objects that are gone). */
    void retain(Set<String> keep) {
        last.keySet().retainAll(keep);
    }
}
