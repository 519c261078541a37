package dev.beluga.dns;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a running server. Threading: any thread may count and read; reads are not a consistent snapshot. */
public final class DnsStats {
    final LongAdder queries = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder upstreamFailures = new LongAdder();
    final LongAdder dropped = new LongAdder();

    /** Queries received (UDP and TCP). */
    public long queries() {
        return queries.sum();
    }

    /** Queries answered from the encoded-response cache. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Queries for names outside the zone (answered from the forward cache or by an upstream). */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Forwarded queries answered SERVFAIL because no upstream answered. */
    public long upstreamFailures() {
        return upstreamFailures.sum();
    }

    /** UDP queries dropped because too many were already waiting for upstreams. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public String toString() {
        return "queries=" + queries() + " cacheHits=" + cacheHits() + " forwarded=" + forwarded() + " upstreamFailures="
            + upstreamFailures() + " dropped=" + dropped();
    }
}
