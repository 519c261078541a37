package dev.beluga.scheduler.plugins.interpodaffinity;

import dev.beluga.scheduler.framework.AffinityTerm;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.PodInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The counts {@link InterPodAffinity}'s PreFilter computes from every pod on every node (upstream's
 * {@code existingAntiAffinityCounts}, {@code affinityCounts}, {@code antiAffinityCounts}), kept from one cycle to the
 * next: when the next pod has the same {@link Shape} — the pods of one workload do — only the nodes the snapshot
 * reports as changed since ({@link NodeInfoLister#changedSince}) are counted again, each node's earlier contribution
 * taken back first. Otherwise, or when the snapshot cannot tell, everything is counted again.
 *
 * <p>Contract: the counts returned are owned by this object, must not be modified, and are valid until the next call.
 * Not thread-safe: used by the scheduling thread's PreFilter only.
 */
final class PreFilterCounts {
    static final int EXISTING_ANTI_AFFINITY = 0;
    static final int AFFINITY = 1;
    static final int ANTI_AFFINITY = 2;

    /**
     * What the counts depend on besides the nodes: the incoming pod's namespace, labels and namespace labels (matched
     * by existing pods' anti-affinity terms) and its required terms (namespace selectors already resolved).
     */
    record Shape(String namespace, Map<String, String> labels, Map<String, String> namespaceLabels,
                 List<AffinityTerm> affinityTerms, List<AffinityTerm> antiAffinityTerms) {
    }

    /** One count of one a node adds: to which of the three, at which topology pair. */
    private record Entry(int which, String key, String value) {
    }

    private final NodeInfoLister snapshot;
    private Shape shape;
    private List<NodeInfo> nodes;
    private long generation;
    private final Map<String, List<Entry>> byNode = new HashMap<>();
    private final TopologyCounts[] counts = {new TopologyCounts(), new TopologyCounts(), new TopologyCounts()};

    PreFilterCounts(NodeInfoLister snapshot) {
        this.snapshot = snapshot;
    }

    /**
     * The three counts for a pod of this shape over {@code nodes} (the snapshot's list), indexed by
     * {@link #EXISTING_ANTI_AFFINITY}, {@link #AFFINITY}, {@link #ANTI_AFFINITY}.
     */
    TopologyCounts[] counts(PodInfo pod, Shape s, List<NodeInfo> nodes) {
        long gen = snapshot.generation();
        Set<String> changed = s.equals(shape) && nodes == this.nodes ? snapshot.changedSince(generation) : null;
        if (changed == null) {
            byNode.clear();
            for (int i = 0; i < counts.length; i++) counts[i] = new TopologyCounts();
            // without terms of its own, only existing pods' anti-affinity counts, and only nodes with such pods have any
            List<NodeInfo> walk = s.affinityTerms().isEmpty() && s.antiAffinityTerms().isEmpty()
                ? snapshot.havePodsWithRequiredAntiAffinityList() : nodes;
            for (NodeInfo ni : walk) if (ni.node() != null) apply(ni.name(), contribution(ni, pod, s));
        } else {
            for (String name : changed) {
                List<Entry> old = byNode.remove(name);
                if (old != null) for (Entry e : old) counts[e.which].add(e.key, e.value, -1);
                NodeInfo ni = snapshot.get(name);
                if (ni != null) apply(name, contribution(ni, pod, s));
            }
        }
        shape = s;
        this.nodes = nodes;
        generation = gen;
        return counts;
    }

    private void apply(String node, List<Entry> entries) {
        if (entries == null) return;
        for (Entry e : entries) counts[e.which].add(e.key, e.value, 1);
        byNode.put(node, entries);
    }

    /** What one node adds to the counts (as upstream's PreFilter loops over nodes and pods), or null for nothing. */
    private static List<Entry> contribution(NodeInfo ni, PodInfo pod, Shape s) {
        if (ni.pods().isEmpty()) return null;
        Map<String, String> labels = ni.labels();
        List<Entry> out = null;
        for (PodInfo existing : ni.podsWithRequiredAntiAffinity())
            for (AffinityTerm t : existing.requiredAntiAffinityTerms())
                if (t.matches(pod, s.namespaceLabels())) out = entry(out, EXISTING_ANTI_AFFINITY, labels, t.topologyKey());
        if (s.affinityTerms().isEmpty() && s.antiAffinityTerms().isEmpty()) return out;
        for (PodInfo existing : ni.pods()) {
            if (InterPodAffinity.matchesAll(s.affinityTerms(), existing))
                for (AffinityTerm t : s.affinityTerms()) out = entry(out, AFFINITY, labels, t.topologyKey());
            for (AffinityTerm t : s.antiAffinityTerms())
                if (t.matches(existing, null)) out = entry(out, ANTI_AFFINITY, labels, t.topologyKey());
        }
        return out;
    }

    private static List<Entry> entry(List<Entry> out, int which, Map<String, String> labels, String key) {
        String v = labels.get(key);
        if (v == null) return out;
        if (out == null) out = new ArrayList<>(2);
        out.add(new Entry(which, key, v));
        return out;
    }
}
