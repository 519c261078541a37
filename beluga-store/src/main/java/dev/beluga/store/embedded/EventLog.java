package dev.beluga.store.embedded;

import dev.beluga.store.WatchEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent committed events in memory, one per revision, so that watchers that keep up never read the disk.
 * Bounded by count and by bytes; older events are read back from the database by watchers that fall behind.
 *
 * <p>Threading: appended by the commit thread, read by watcher threads; all methods synchronize on this.
 */
final class EventLog {
    private final WatchEvent[] ring;
    private final long maxBytes;
    private long firstRev = 1; // revision of the oldest held event
    private int start;        // ring index of the oldest held event
    private int size;
    private long bytes;

    EventLog(int capacity, long maxBytes) {
        this.ring = new WatchEvent[capacity];
        this.maxBytes = maxBytes;
    }

    /** Restarts the log after {@code revision} (at open, when nothing is held in memory). */
    synchronized void resetAfter(long revision) {
        start = 0;
        size = 0;
        bytes = 0;
        firstRev = revision + 1;
        java.util.Arrays.fill(ring, null);
    }

    /** Adds the events of one commit; their revisions must follow on from the last held one. */
    synchronized void append(List<WatchEvent> events) {
        for (WatchEvent e : events) {
            if (e.revision() != firstRev + size)
                throw new IllegalStateException("event revision " + e.revision() + " does not follow " + (firstRev + size - 1));
            if (size == ring.length) dropOldest();
            ring[(start + size) % ring.length] = e;
            size++;
            bytes += weight(e);
            while (bytes > maxBytes && size > 1) dropOldest();
        }
    }

    private void dropOldest() {
        bytes -= weight(ring[start]);
        ring[start] = null;
        start = (start + 1) % ring.length;
        size--;
        firstRev++;
    }

    private static long weight(WatchEvent e) {
        return 64 + e.kv().key().length + e.kv().value().length + (e.prevKv() == null ? 0 : e.prevKv().value().length);
    }

    /**
     * Up to {@code max} events with revisions after {@code after}; an empty list when none are held yet, or null
     * when events right after {@code after} are no longer held (the caller must read them from disk).
     */
    synchronized List<WatchEvent> after(long after, int max) {
        if (after + 1 < firstRev) return null;
        long lastHeld = firstRev + size - 1;
        if (after >= lastHeld) return List.of();
        int from = (int) (after + 1 - firstRev);
        int n = (int) Math.min(max, lastHeld - after);
        List<WatchEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(ring[(start + from + i) % ring.length]);
        return out;
    }
}
