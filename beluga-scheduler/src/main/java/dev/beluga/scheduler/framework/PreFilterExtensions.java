package dev.beluga.scheduler.framework;

/**
 * Updates a plugin's PreFilter state in a cloned {@link CycleState} as if a pod were added to or removed from a node,
 * so Filter can be re-evaluated cheaply during preemption and with nominated pods. May be called concurrently for
 * different (cloned) states.
 */
public interface PreFilterExtensions {
    Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo);

    Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo);
}
