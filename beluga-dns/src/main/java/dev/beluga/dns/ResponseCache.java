package dev.beluga.dns;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encoded responses for the cluster zone, keyed by {@link ResponseKey} and tagged with the {@link ClusterIndex#generation()}
 * they were computed at: an entry of an older generation is a miss. A hit is copied with the query's ID and question
 * name (its letter case) written over the stored ones, so serving it allocates nothing.
 *
 * <p>Bounded: when more than {@code capacity} entries would be held, the whole cache is dropped and refills (the zone's
 * distinct questions are few; a flood of random names must not grow memory).
 *
 * <p>Threading: any number of threads; lock-free reads.
 */
final class ResponseCache {
    private record Entry(long generation, byte[] response) {
    }

    private final ConcurrentHashMap<ResponseKey, Entry> map = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    ResponseCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Copies the cached response for the query in {@code query} (parsed into {@code q}) into {@code out}, with the query's
     * ID and question name; returns its length, or -1 on a miss.
     */
    int copyTo(WireQuery q, boolean tcp, long generation, byte[] query, byte[] out) {
        Entry e = map.get(q.key(tcp));
        if (e == null || e.generation != generation) return -1;
        byte[] r = e.response;
        System.arraycopy(r, 0, out, 0, r.length);
        out[0] = query[0];
        out[1] = query[1];
        System.arraycopy(query, 12, out, 12, q.nameEnd - 12);
        return r.length;
    }

    void put(ResponseKey key, long generation, byte[] response) {
        if (map.put(key, new Entry(generation, response)) == null && size.incrementAndGet() > capacity) {
            map.clear();
            size.set(0);
        }
    }

    int size() {
        return map.size();
    }
}
