package dev.beluga.scheduler.cache;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which nodes a {@link Snapshot} refreshed, by node generation, so that a plugin that kept per-node results from an
 * earlier cycle can redo only the nodes that changed since (see {@link Snapshot#changedSince}).
 *
 * <p>Contract: entries are appended in ascending generation; a question about a generation older than what the log
 * still holds (bounded to {@link #CAPACITY} entries), or older than the last {@link #reset} (nodes added or removed),
 * answers null — "unknown, recompute everything". Not thread-safe: written by {@code updateSnapshot} and read during
 * the cycle, both on the scheduling thread.
 */
final class NodeChangeLog {
    static final int CAPACITY = 4096;

    private final long[] generations = new long[CAPACITY];
    private final String[] names = new String[CAPACITY];
    private int start;
    private int size;
    /** Changes after this generation are all in the log. */
    private long knownSince;

    /** @param knownSince the generation from which changes are known ({@code Long.MAX_VALUE}: never) */
    NodeChangeLog(long knownSince) {
        this.knownSince = knownSince;
    }

    /** Forgets every entry: changes are known again only from {@code generation} on. */
    void reset(long generation) {
        start = 0;
        size = 0;
        Arrays.fill(names, null);
        knownSince = generation;
    }

    /**
     * Records that node {@code name} was refreshed at {@code generation}, which must not be lower than the last
     * recorded one.
     */
    void add(long generation, String name) {
        if (size == CAPACITY) {
            knownSince = Math.max(knownSince, generations[start]);
            names[start] = null;
            start = (start + 1) % CAPACITY;
            size--;
        }
        int i = (start + size) % CAPACITY;
        generations[i] = generation;
        names[i] = name;
        size++;
    }

    /** Records a batch of refreshed nodes given newest first (the order the cache walks its change list in). */
    void addNewestFirst(List<Long> generationsNewestFirst, List<String> namesNewestFirst) {
        for (int k = generationsNewestFirst.size() - 1; k >= 0; k--) add(generationsNewestFirst.get(k), namesNewestFirst.get(k));
    }

    /** Names of the nodes refreshed after {@code generation}, or null when that is not known. */
    Set<String> since(long generation) {
        if (generation < knownSince) return null;
        Set<String> out = new LinkedHashSet<>();
        for (int k = size - 1; k >= 0; k--) {
            int i = (start + k) % CAPACITY;
            if (generations[i] <= generation) break;
            out.add(names[i]);
        }
        return out;
    }
}
