package dev.beluga.scheduler.framework;

/**
 * Decides whether the pod can run on a node. Called concurrently for different nodes; must only read the node info
 * and the cycle state. Return {@link Status#SUCCESS} or a rejection whose reasons users see, e.g.
 * {@code Status.unschedulable("Insufficient cpu")}.
 */
public interface FilterPlugin extends Plugin {
    Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo);
}
