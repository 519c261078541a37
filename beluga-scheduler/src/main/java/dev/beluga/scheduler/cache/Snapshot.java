package dev.beluga.scheduler.cache;

import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes one scheduling cycle works on: copies of the cache's {@link NodeInfo}s, refreshed incrementally by
 * {@link SchedulerCache#updateSnapshot} (only nodes whose generation moved past the snapshot's are copied again).
 *
 * <p>Threading: owned by the scheduling thread. It is written only by {@code updateSnapshot} at the start of a cycle
 * and read during the cycle (also by the parallelizer's threads, which the cycle waits for).
 */
public final class Snapshot implements NodeInfoLister {
    final Map<String, NodeInfo> nodeInfoMap = new HashMap<>();
    List<NodeInfo> nodeInfoList = List.of();
    List<NodeInfo> havePodsWithAffinity = List.of();
    List<NodeInfo> havePodsWithRequiredAntiAffinity = List.of();
    Set<String> usedPvcs = Set.of();
    Map<String, Integer> imageNodeCounts = Map.of();
    long generation;
    long imagesGeneration = -1;
    /** The nodes refreshed by {@code updateSnapshot}, for {@link #changedSince}. */
    final NodeChangeLog changes = new NodeChangeLog(0);

    public Snapshot() {
    }

    /** A snapshot built directly from nodes and pods (bound to {@code spec.nodeName}), for tests. */
    public static Snapshot of(List<Node> nodes, List<PodInfo> pods) {
        Snapshot s = new Snapshot();
        List<NodeInfo> list = new ArrayList<>();
        for (Node n : nodes) {
            NodeInfo ni = new NodeInfo();
            ni.setNode(n);
            s.nodeInfoMap.put(ni.name(), ni);
            list.add(ni);
        }
        for (PodInfo p : pods) {
            String node = p.pod().getSpec() == null ? null : p.pod().getSpec().getNodeName();
            NodeInfo ni = node == null ? null : s.nodeInfoMap.get(node);
            if (ni != null) ni.addPod(p);
        }
        s.nodeInfoList = list;
        s.rebuildLists();
        Map<String, Integer> images = new HashMap<>();
        for (NodeInfo ni : list) for (String img : ni.imageSizes().keySet()) images.merge(img, 1, Integer::sum);
        s.imageNodeCounts = images;
        s.changes.reset(Long.MAX_VALUE); // its nodes may be changed in place: nothing is known about changes
        return s;
    }

    void rebuildLists() {
        List<NodeInfo> aff = new ArrayList<>();
        List<NodeInfo> anti = new ArrayList<>();
        Set<String> pvcs = new HashSet<>();
        for (NodeInfo ni : nodeInfoList) {
            if (!ni.podsWithAffinity().isEmpty()) aff.add(ni);
            if (!ni.podsWithRequiredAntiAffinity().isEmpty()) anti.add(ni);
            pvcs.addAll(ni.pvcRefCounts().keySet());
        }
        havePodsWithAffinity = aff;
        havePodsWithRequiredAntiAffinity = anti;
        usedPvcs = pvcs;
    }

    /**
     * Adds nodes that just got their first pod with affinity terms / required anti-affinity terms to those lists,
     * without walking every node as {@link #rebuildLists} does (the lists' order is not part of their contract).
     */
    void appendToAffinityLists(List<NodeInfo> gainedAffinity, List<NodeInfo> gainedAnti) {
        if (!gainedAffinity.isEmpty()) havePodsWithAffinity = appended(havePodsWithAffinity, gainedAffinity);
        if (!gainedAnti.isEmpty()) havePodsWithRequiredAntiAffinity = appended(havePodsWithRequiredAntiAffinity, gainedAnti);
    }

    private static List<NodeInfo> appended(List<NodeInfo> list, List<NodeInfo> more) {
        // rebuildLists makes ArrayLists, but the initial lists are immutable
        List<NodeInfo> out = list instanceof ArrayList<NodeInfo> a ? a : new ArrayList<>(list);
        out.addAll(more);
        return out;
    }

    @Override
    public List<NodeInfo> list() {
        return nodeInfoList;
    }

    @Override
    public List<NodeInfo> havePodsWithAffinityList() {
        return havePodsWithAffinity;
    }

    @Override
    public List<NodeInfo> havePodsWithRequiredAntiAffinityList() {
        return havePodsWithRequiredAntiAffinity;
    }

    @Override
    public NodeInfo get(String nodeName) {
        NodeInfo ni = nodeInfoMap.get(nodeName);
        return ni == null || ni.node() == null ? null : ni;
    }

    @Override
    public boolean isPvcUsedByPods(String key) {
        return usedPvcs.contains(key);
    }

    @Override
    public int imageNodeCount(String normalizedImageName) {
        Integer n = imageNodeCounts.get(normalizedImageName);
        return n == null ? 0 : n;
    }

    @Override
    public int numNodes() {
        return nodeInfoList.size();
    }

    /** The highest node generation this snapshot reflects. */
    @Override
    public long generation() {
        return generation;
    }

    @Override
    public Set<String> changedSince(long generation) {
        return changes.since(generation);
    }
}
