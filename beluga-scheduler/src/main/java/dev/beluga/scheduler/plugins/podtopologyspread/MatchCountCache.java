package dev.beluga.scheduler.plugins.podtopologyspread;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.scheduler.framework.NodeInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node counts of pods matching a (namespace, selector), remembered with the node's generation: consecutive
 * pods of one workload share the selector, and between two scheduling cycles usually only the node that got the
 * last pod changed, so a cycle recounts one node instead of every pod in the cluster (the default spreading
 * constraints made each cycle O(pods) — quadratic over a 5,000-replica rollout). A count is reused only when the
 * node's generation is unchanged, which every pod add or remove bumps, so a hit is always exact.
 *
 * Nodes with few pods are simply counted (cheaper than the lookup).
 *
 * <p>Thread-safe (Score runs in parallel over nodes). Bounded: more than {@link #MAX_SELECTORS} selectors clear it.
 */
final class MatchCountCache {
    static final int MAX_SELECTORS = 64;
    /** Nodes with at most this many pods are counted directly (a few label look-ups each). */
    static final int DIRECT_COUNT_MAX = 4;

    private record Key(String namespace, LabelSelector selector) {
    }

    private record Count(long generation, int count) {
    }

    /** The selector (by identity) of the last look-up and its per-node counts: one cycle asks for the same one per node. */
    private record Last(LabelSelector selector, String namespace, Map<String, Count> perNode) {
    }

    private final Map<Key, Map<String, Count>> counts = new ConcurrentHashMap<>();
    private volatile Last last;

    int count(NodeInfo node, LabelSelector selector, String namespace) {
        // a node with few pods is counted faster than it is looked up
        if (node.pods().size() <= DIRECT_COUNT_MAX) return SpreadConstraint.countMatching(node.pods(), selector, namespace);
        Map<String, Count> perNode = perNode(selector, namespace);
        long generation = node.generation();
        Count c = perNode.get(node.name());
        if (c != null && c.generation() == generation) return c.count();
        int n = SpreadConstraint.countMatching(node.pods(), selector, namespace);
        perNode.put(node.name(), new Count(generation, n));
        return n;
    }

    /** The per-node counts of a selector; the selector's hash (its whole requirement list) is computed once per cycle. */
    private Map<String, Count> perNode(LabelSelector selector, String namespace) {
        Last l = last;
        if (l != null && l.selector() == selector && l.namespace().equals(namespace)) return l.perNode();
        Key key = new Key(namespace, selector);
        Map<String, Count> perNode = counts.get(key);
        if (perNode == null) {
            if (counts.size() >= MAX_SELECTORS) counts.clear();
            perNode = counts.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        }
        last = new Last(selector, namespace, perNode);
        return perNode;
    }
}
