package dev.beluga.dns;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Encoded responses for the cluster zone and the cluster's reverse names, keyed by {@link ResponseKey}, each kept with the
 * {@link Validity} of the answer it encodes: a hit is an entry whose validity still holds, so one service's endpoint
 * changes do not throw away the answers about other services. A hit is copied with the query's ID and question name (its
 * letter case) written over the stored ones, so serving it allocates nothing but the key.
 *
 * <p>Bounded: when more than {@code capacity} entries would be held, the whole cache is dropped and refills (the zone's
 * distinct questions are few; a flood of random names must not grow memory).
 *
 * <p>Threading: any number of threads; lock-free reads.
 */
final class ResponseCache {
    private record Entry(byte[] response, Validity validity) {
    }

    private final ConcurrentHashMap<ResponseKey, Entry> map = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ClusterIndex index;
    private final int capacity;

    ResponseCache(ClusterIndex index, int capacity) {
        this.index = index;
        this.capacity = capacity;
    }

    /**
     * Copies the cached response for the query in {@code query} (parsed into {@code q}) into {@code out}, with the query's
     * ID and question name; returns its length, or -1 on a miss.
     */
    int copyTo(WireQuery q, boolean tcp, byte[] query, byte[] out) {
        Entry e = map.get(q.key(tcp));
        if (e == null || !e.validity.holds(index)) return -1;
        byte[] r = e.response;
        System.arraycopy(r, 0, out, 0, r.length);
        out[0] = query[0];
        out[1] = query[1];
        System.arraycopy(query, 12, out, 12, q.nameEnd - 12);
        return r.length;
    }

    void put(ResponseKey key, Validity validity, byte[] response) {
        if (map.put(key, new Entry(response, validity)) == null && size.incrementAndGet() > capacity) {
            map.clear();
            size.set(0);
        }
    }

    int size() {
        return map.size();
    }
}
