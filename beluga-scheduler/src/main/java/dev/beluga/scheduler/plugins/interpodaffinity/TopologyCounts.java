package dev.beluga.scheduler.plugins.interpodaffinity;

import java.util.HashMap;
import java.util.Map;

/** Counts (or weights) by topology pair {@code key=value} (upstream {@code topologyToMatchedTermCount}). Not thread-safe. */
final class TopologyCounts {
    private final Map<String, Map<String, long[]>> byKey;

    TopologyCounts() {
        this.byKey = new HashMap<>();
    }

    private TopologyCounts(Map<String, Map<String, long[]>> m) {
        this.byKey = m;
    }

    void add(String key, String value, long delta) {
        Map<String, long[]> m = byKey.computeIfAbsent(key, k -> new HashMap<>());
        long[] c = m.computeIfAbsent(value, k -> new long[1]);
        c[0] += delta;
        // as upstream: delta may be negative (removePod), and a pair down to zero is deleted, so that an emptied map
        // counts as empty (e.g. the "first pod of a group" rule of required affinity)
        if (c[0] == 0) {
            m.remove(value);
            if (m.isEmpty()) byKey.remove(key);
        }
    }

    long get(String key, String value) {
        Map<String, long[]> m = byKey.get(key);
        if (m == null) return 0;
        long[] c = m.get(value);
        return c == null ? 0 : c[0];
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Whether any pair {@code (k, labels[k])} of the node's labels has a positive count. */
    boolean anyPositive(Map<String, String> labels) {
        for (Map.Entry<String, Map<String, long[]>> e : byKey.entrySet()) {
            String v = labels.get(e.getKey());
            if (v == null) continue;
            long[] c = e.getValue().get(v);
            if (c != null && c[0] > 0) return true;
        }
        return false;
    }

    /** Sum over keys present in the node's labels. */
    long sumFor(Map<String, String> labels) {
        long s = 0;
        for (Map.Entry<String, Map<String, long[]>> e : byKey.entrySet()) {
            String v = labels.get(e.getKey());
            if (v == null) continue;
            long[] c = e.getValue().get(v);
            if (c != null) s += c[0];
        }
        return s;
    }

    void addAll(TopologyCounts o) {
        o.byKey.forEach((k, m) -> m.forEach((v, c) -> add(k, v, c[0])));
    }

    TopologyCounts copy() {
        Map<String, Map<String, long[]>> m = new HashMap<>();
        byKey.forEach((k, inner) -> {
            Map<String, long[]> c = new HashMap<>();
            inner.forEach((v, n) -> c.put(v, new long[]{n[0]}));
            m.put(k, c);
        });
        return new TopologyCounts(m);
    }
}
