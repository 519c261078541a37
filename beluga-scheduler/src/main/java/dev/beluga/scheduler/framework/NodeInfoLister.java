package dev.beluga.scheduler.framework;

import java.util.List;
import java.util.Set;

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

    /** The highest node generation the snapshot reflects (0 when the lister does not track generations). */
    default long generation() {
        return 0;
    }

    /**
     * Names of the nodes whose state (node object or pods) changed after {@code generation}, a value of
     * {@link #generation()} read in an earlier cycle; null when that is not known (nodes were added or removed since,
     * too many changes, or the lister does not track them), in which case the caller must recompute from all nodes.
     */
    default Set<String> changedSince(long generation) {
        return null;
    }
}
