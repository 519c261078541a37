package dev.beluga.apiserver.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed authentications per client address in a sliding window: after {@code limit} failures within {@code window}
 * the address is refused until its oldest failure leaves the window, which makes guessing a join token's secret
 * slow. At most {@link #MAX_ADDRESSES} addresses are tracked (the oldest entries are dropped first). Thread-safe.
 */
final class FailedAttempts {
    static final int MAX_ADDRESSES = 10_000;

    private final int limit;
    private final Duration window;
    private final InstantSource clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    FailedAttempts(int limit, Duration window, InstantSource clock) {
        if (limit < 1) throw new IllegalArgumentException("limit must be positive");
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds (at least 1) until {@code address} may try again, or 0 when it may now. */
    synchronized long retryAfterSeconds(String address) {
        Deque<Instant> times = failures.get(address);
        if (times == null) return 0;
        Instant now = clock.instant();
        prune(times, now);
        if (times.isEmpty()) {
            failures.remove(address);
            return 0;
        }
        if (times.size() < limit) return 0;
        long millis = Duration.between(now, times.peekFirst().plus(window)).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** Records a failure of {@code address}. */
    synchronized void failed(String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) evict(now);
        Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        while (times.size() > limit) times.removeFirst();
    }

    /** Forgets the failures of {@code address} (after it authenticated). */
    synchronized void succeeded(String address) {
        failures.remove(address);
    }

    private void prune(Deque<Instant> times, Instant now) {
        Instant oldest = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) times.removeFirst();
    }

    private void evict(Instant now) {
        for (Iterator<Deque<Instant>> it = failures.values().iterator(); it.hasNext(); ) {
            Deque<Instant> times = it.next();
            prune(times, now);
            if (times.isEmpty()) it.remove();
        }
        if (failures.size() >= MAX_ADDRESSES) failures.remove(failures.keySet().iterator().next());
    }
}
