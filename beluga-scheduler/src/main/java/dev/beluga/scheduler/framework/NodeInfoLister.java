package dev.beluga.scheduler.framework;

import java.util.List;

/**
 * Read access to the scheduling snapshot: the nodes of the current cycle. Valid only during a scheduling cycle, on
 * the scheduling thread and the parallelizer threads it starts; lists must not be modified.
 */
public interface NodeInfoLister {
    /** All nodes, in the snapshot's (zone-interleaved) order. */
    List<NodeInfo> list();

    /** Nodes with at least one pod that has (anti-)affinity terms. */
    List<NodeInfo> havePodsWithAffinityList();

    /** Nodes with at least one pod that has required anti-affinity terms. */
    List<NodeInfo> havePodsWithRequiredAntiAffinityList();

    /** The node of that name, or null. */
    NodeInfo get(String nodeName);

    /** Whether some pod in the cluster uses the PVC {@code namespace/name}. */
    boolean isPvcUsedByPods(String key);

    /** On how many nodes the image (normalized name) is present. */
    int imageNodeCount(String normalizedImageName);

    default int numNodes() {
        return list().size();
    }
}
