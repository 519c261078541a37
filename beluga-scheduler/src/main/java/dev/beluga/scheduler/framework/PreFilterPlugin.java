package dev.beluga.scheduler.framework;

import java.util.List;

/**
 * Runs once per scheduling cycle before Filter: precomputes per-pod state into the {@link CycleState}, may reject
 * the pod for all nodes, restrict the nodes to evaluate, or {@link PreFilterResult#skip() skip} its Filter. Called on
 * the scheduling thread.
 */
public interface PreFilterPlugin extends Plugin {
    /**
     * @param nodes every node of the snapshot, in snapshot order
     */
    PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes);

    /** Incremental updates of this plugin's PreFilter state (for preemption and nominated pods), or null. */
    default PreFilterExtensions preFilterExtensions() {
        return null;
    }
}
