package dev.beluga.scheduler.framework;

/** Informational, after a successful bind; runs on the binding thread. */
public interface PostBindPlugin extends Plugin {
    void postBind(CycleState state, PodInfo pod, String nodeName);
}
