package dev.beluga.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creations and deletions a controller has asked for but not yet seen in its informer cache (client-go's
 * {@code ControllerExpectations}), per controller key: a controller that has 3 pod creations in flight must not
 * count its pods again and create 3 more. {@link #satisfied} is true when every expected event was observed or the
 * expectations are older than the TTL (5 minutes, as upstream: a lost watch event must not block a controller for
 * ever). Thread-safe.
 */
public final class Expectations {
    public static final Duration TTL = Duration.ofMinutes(5);

    private record Entry(AtomicInteger adds, AtomicInteger dels, long setAtMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public Expectations(Clock clock) {
        this.clock = clock;
    }

    /** Sets (replaces) the expected creations and deletions for a key. */
    public void expect(String key, int adds, int dels) {
        entries.put(key, new Entry(new AtomicInteger(adds), new AtomicInteger(dels), clock.millis()));
    }

    /** One expected creation was observed (or will never happen: the create failed). */
    public void creationObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) e.adds.decrementAndGet();
    }

    /** One expected deletion was observed (or will never happen). */
    public void deletionObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) e.dels.decrementAndGet();
    }

    /** True when the controller may trust its cache for this key. */
    public boolean satisfied(String key) {
        Entry e = entries.get(key);
        if (e == null) return true;
        if (e.adds.get() <= 0 && e.dels.get() <= 0) return true;
        return clock.millis() - e.setAtMillis >= TTL.toMillis();
    }

    /** Forgets the key (its object was deleted). */
    public void delete(String key) {
        entries.remove(key);
    }
}
