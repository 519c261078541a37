package dev.beluga.scheduler.framework;

/**
 * Binds the pod to the node. Plugins are tried in order; the first one not returning Skip decides. Runs on the
 * pod's binding thread and may block.
 */
public interface BindPlugin extends Plugin {
    Status bind(CycleState state, PodInfo pod, String nodeName);
}
