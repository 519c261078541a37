package dev.beluga.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Upstream answers kept for their TTL: positive answers for the smallest TTL of their records (at most
 * {@value #MAX_POSITIVE_TTL} s), negative ones (NXDOMAIN, and NOERROR without answers) for the SOA's TTL or minimum,
 * whichever is smaller (RFC 2308; at most {@value #MAX_NEGATIVE_TTL} s); negative answers without an SOA, truncated
 * answers and errors are not kept. A hit hands out the records with their TTLs reduced by the time spent in the cache.
 * Least recently used entries go first when {@code capacity} is reached.
 *
 * <p>Threading: any number of threads; one lock around the map (this cache is only on the forwarding path).
 */
final class ForwardCache {
    static final long MAX_POSITIVE_TTL = 3600;
    static final long MAX_NEGATIVE_TTL = 1800;

    /** A cached (or fresh) upstream response, {@code elapsedSeconds} after it was received. Immutable. */
    record Hit(Message response, long elapsedSeconds, long negativeTtl) {
        int rcode() {
            return response.getRcode();
        }

        /** A section's records without OPT, with TTLs as they stand now. */
        List<Record> records(int section) {
            List<Record> out = new ArrayList<>();
            for (Record r : response.getSection(section)) {
                if (r instanceof OPTRecord) continue;
                long ttl = negativeTtl >= 0 ? Math.min(r.getTTL(), negativeTtl) : r.getTTL();
                out.add(TtlRecords.withTtl(r, Math.max(0, ttl - elapsedSeconds)));
            }
            return out;
        }
    }

    private record Stored(Message response, long storedNanos, long expiresNanos, long negativeTtl) {
    }

    private final LongSupplier nanoClock;
    private final Map<String, Stored> map;

    ForwardCache(int capacity, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.map = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Stored> eldest) {
                return size() > capacity;
            }
        };
    }

    Hit get(String key) {
        long now = nanoClock.getAsLong();
        synchronized (map) {
            Stored e = map.get(key);
            if (e == null) return null;
            if (now - e.expiresNanos >= 0) {
                map.remove(key);
                return null;
            }
            return new Hit(e.response, (now - e.storedNanos) / 1_000_000_000L, e.negativeTtl);
        }
    }

    /** Keeps {@code response} if it may be cached; returns it as a hit of age 0 either way. */
    Hit put(String key, Message response) {
        long negativeTtl = -1;
        long ttl = cacheTtl(response);
        if (ttl > 0) {
            if (negative(response)) negativeTtl = ttl;
            long now = nanoClock.getAsLong();
            synchronized (map) {
                map.put(key, new Stored(response, now, now + ttl * 1_000_000_000L, negativeTtl));
            }
        }
        return new Hit(response, 0, negativeTtl);
    }

    int size() {
        synchronized (map) {
            return map.size();
        }
    }

    /** How long {@code response} may be kept: 0 when not at all. */
    static long cacheTtl(Message response) {
        if (response.getHeader().getFlag(Flags.TC)) return 0;
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) return 0;
        if (negative(response)) {
            for (Record r : response.getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) return Math.min(MAX_NEGATIVE_TTL, Math.min(soa.getTTL(), soa.getMinimum()));
            }
            return 0;
        }
        long min = MAX_POSITIVE_TTL;
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record r : response.getSection(section)) if (!(r instanceof OPTRecord)) min = Math.min(min, r.getTTL());
        }
        return min;
    }

    private static boolean negative(Message response) {
        return response.getRcode() == Rcode.NXDOMAIN || response.getSection(Section.ANSWER).isEmpty();
    }
}
