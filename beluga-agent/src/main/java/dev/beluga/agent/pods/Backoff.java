package dev.beluga.agent.pods;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key exponential backoff with the semantics of upstream's {@code flowcontrol.Backoff} as the kubelet uses it for
 * container restarts (10 s doubling to 5 min: CrashLoopBackOff) and image pulls (ImagePullBackOff):
 * {@link #inBackoffSince(String, Instant)} says whether an event at that time (a container's exit) is still inside
 * the current delay; {@link #next(String)} records an attempt now and doubles the delay for the next one. An entry
 * untouched for twice the maximum starts over at the initial delay. Thread-safe.
 */
public final class Backoff {
    private record Entry(Duration delay, Instant lastUpdate) {}

    private final Duration initial;
    private final Duration max;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public Backoff(Duration initial, Duration max, Clock clock) {
        this.initial = initial;
        this.max = max;
        this.clock = clock;
    }

    /** The kubelet's container restart backoff: 10 s, doubling, at most 5 min. */
    public static Backoff crashLoop(Clock clock) {
        return new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
    }

    /** Whether {@code eventTime} + the key's current delay is still in the future. */
    public boolean inBackoffSince(String key, Instant eventTime) {
        Entry e = entries.get(key);
        if (e == null || expired(e)) return false;
        return clock.instant().isBefore(eventTime.plus(e.delay()));
    }

    /** Whether the key's last attempt ({@link #next}) is more recent than its current delay. */
    public boolean inBackoffSinceUpdate(String key) {
        Entry e = entries.get(key);
        if (e == null || expired(e)) return false;
        return clock.instant().isBefore(e.lastUpdate().plus(e.delay()));
    }

    /** The remaining wait after {@code eventTime} (zero when not in backoff). */
    public Duration remaining(String key, Instant eventTime) {
        Entry e = entries.get(key);
        if (e == null || expired(e)) return Duration.ZERO;
        Duration left = Duration.between(clock.instant(), eventTime.plus(e.delay()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The key's current delay (zero when it has none). */
    public Duration delay(String key) {
        Entry e = entries.get(key);
        return e == null || expired(e) ? Duration.ZERO : e.delay();
    }

    /** Records an attempt now: the first sets the initial delay, later ones double it up to the maximum. */
    public void next(String key) {
        Instant now = clock.instant();
        entries.compute(key, (k, e) -> {
            if (e == null || expired(e)) return new Entry(initial, now);
            Duration d = e.delay().multipliedBy(2);
            return new Entry(d.compareTo(max) > 0 ? max : d, now);
        });
    }

    /** Forgets a key (its pod is gone). */
    public void reset(String key) {
        entries.remove(key);
    }

    /** Forgets every key starting with the prefix (a pod's containers). */
    public void resetPrefix(String prefix) {
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private boolean expired(Entry e) {
        return Duration.between(e.lastUpdate(), clock.instant()).compareTo(max.multipliedBy(2)) > 0;
    }
}
