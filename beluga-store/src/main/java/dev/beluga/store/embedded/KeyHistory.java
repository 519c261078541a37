package dev.beluga.store.embedded;

import java.util.Arrays;

/**
 * The revisions of one key still held in the store (the in-memory counterpart of etcd's keyIndex), oldest first.
 * Each entry is (modRevision, createRevision, version); version 0 marks a tombstone (a delete).
 *
 * <p>Immutable: every change returns a new instance, so readers never need a lock. Histories are short: they hold
 * only the revisions written since the last compaction, plus the newest one before it.
 *
 * <p>Example: put@5, put@7, delete@9, put@12 gives entries (5,5,1) (7,5,2) (9,5,0) (12,12,1). {@code latestAt(8)} is
 * (7,5,2), {@code latestAt(10)} is absent (tombstone), {@code compact(10)} drops 5 and 7 and the tombstone 9, keeping
 * (12,12,1).
 */
final class KeyHistory {
    private static final int FIELDS = 3;
    private final long[] entries; // rev, createRev, version ... ascending by rev

    private KeyHistory(long[] entries) {
        this.entries = entries;
    }

    static KeyHistory of(long rev, long createRev, long version) {
        return new KeyHistory(new long[] {rev, createRev, version});
    }

    int size() {
        return entries.length / FIELDS;
    }

    long revAt(int i) {
        return entries[i * FIELDS];
    }

    long createRevAt(int i) {
        return entries[i * FIELDS + 1];
    }

    long versionAt(int i) {
        return entries[i * FIELDS + 2];
    }

    /** Index of the newest entry with rev &lt;= revision, or -1. */
    int indexAt(long revision) {
        int lo = 0, hi = size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (revAt(mid) <= revision) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the live (non-tombstone) version visible at {@code revision}, or -1 if the key is absent then. */
    int liveIndexAt(long revision) {
        int i = indexAt(revision);
        return i >= 0 && versionAt(i) > 0 ? i : -1;
    }

    /** Index of the newest entry if it is live, else -1. */
    int latestLiveIndex() {
        int i = size() - 1;
        return versionAt(i) > 0 ? i : -1;
    }

    KeyHistory append(long rev, long createRev, long version) {
        if (rev <= revAt(size() - 1)) throw new IllegalStateException("revision " + rev + " is not after " + revAt(size() - 1));
        long[] next = Arrays.copyOf(entries, entries.length + FIELDS);
        next[entries.length] = rev;
        next[entries.length + 1] = createRev;
        next[entries.length + 2] = version;
        return new KeyHistory(next);
    }

    /**
     * The revisions to discard when compacting at {@code revision}: every entry older than the newest one at or
     * before {@code revision}, and that one too if it is a tombstone.
     */
    long[] revisionsToDiscard(long revision) {
        int keepFrom = indexAt(revision);
        if (keepFrom < 0) return new long[0];
        if (versionAt(keepFrom) == 0) keepFrom++;
        long[] out = new long[keepFrom];
        for (int i = 0; i < keepFrom; i++) out[i] = revAt(i);
        return out;
    }

    /** This history without the first {@code n} entries, or null if nothing remains. */
    KeyHistory dropFirst(int n) {
        if (n == 0) return this;
        if (n >= size()) return null;
        return new KeyHistory(Arrays.copyOfRange(entries, n * FIELDS, entries.length));
    }
}
