package dev.beluga.scheduler.framework;

/**
 * Called when no node passed Filter (e.g. preemption). The first plugin returning Success or an error ends the
 * point. Called on the scheduling thread.
 */
public interface PostFilterPlugin extends Plugin {
    PostFilterResult postFilter(CycleState state, PodInfo pod, NodeToStatus filteredNodeStatus);
}
