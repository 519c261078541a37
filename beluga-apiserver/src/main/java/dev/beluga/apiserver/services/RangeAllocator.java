package dev.beluga.apiserver.services;

import dev.beluga.apiserver.services.AllocationRecords.Claim;
import dev.beluga.apiserver.services.AllocationRecords.Owner;

import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Hands out the values of one {@link ValueRange} (cluster IPs or node ports) as records under one key prefix.
 *
 * <p>A value asked for by name is claimed as it is. Any free value is found from a random start in the dynamic part
 * of the range (above the {@link ValueRange#staticBand() static band}), probing upwards and wrapping, then in the
 * static band: the first {@value #BLIND_PROBES} candidates are tried directly (a create each, which almost always
 * succeeds at once), after which one scan of the existing records lists the free ones. A value taken between that
 * scan and its create is skipped; only when no candidate is left is the range full.
 *
 * <p>Threading: safe for concurrent use; two callers never get the same value (the store's create-if-absent decides).
 */
final class RangeAllocator {
    static final int BLIND_PROBES = 16;

    private final ValueRange range;
    private final String prefix;
    private final AllocationRecords records;
    private final RandomGenerator random;

    RangeAllocator(ValueRange range, String prefix, AllocationRecords records, RandomGenerator random) {
        this.range = range;
        this.prefix = prefix;
        this.records = records;
        this.random = random;
    }

    ValueRange range() {
        return range;
    }

    String key(String value) {
        return prefix + value;
    }

    /**
     * Claims {@code value}, which must be in the range, for {@code owner}; with {@code dryRun} only checks it.
     */
    Claim claim(String value, Owner owner, boolean dryRun) {
        if (range.offsetOf(value) < 0) throw new IllegalArgumentException(value + " is not in " + range);
        return records.claim(key(value), owner, dryRun);
    }

    /**
     * Claims any free value for {@code owner} (with {@code dryRun}, finds one without claiming it) other than those
     * in {@code exclude} (values the caller already holds or chose in this dry run); null when the range is full.
     */
    String claimNext(Owner owner, boolean dryRun, Set<String> exclude) {
        int size = range.size();
        int band = Math.min(range.staticBand(), size);
        int dynamic = size - band;
        int start = dynamic > 0 ? band + random.nextInt(dynamic) : random.nextInt(size);
        int probes = Math.min(BLIND_PROBES, size);
        int i = 0;
        for (; i < probes; i++) {
            String v = range.value(candidate(start, i, band, size));
            if (!exclude.contains(v) && records.claim(key(v), owner, dryRun) == Claim.NEW) return v;
        }
        Set<String> taken = records.keys(prefix);
        for (; i < size; i++) {
            String v = range.value(candidate(start, i, band, size));
            if (taken.contains(key(v)) || exclude.contains(v)) continue;
            if (records.claim(key(v), owner, dryRun) == Claim.NEW) return v;
        }
        return null;
    }

    /**
     * The {@code i}-th offset to try: from {@code start} up to the end of the range, then from the band's end up to
     * {@code start}, then the static band from its beginning. With no dynamic part, simply from start, wrapping.
     */
    static int candidate(int start, int i, int band, int size) {
        if (band == 0 || start < band) return (start + i) % size;
        int dynamic = size - band;
        if (i < dynamic) return band + (start - band + i) % dynamic;
        return i - dynamic;
    }

    /** Releases {@code value} if {@code uid}'s; see {@link AllocationRecords#release}. */
    boolean release(String value, String uid) {
        return records.release(key(value), uid);
    }
}
