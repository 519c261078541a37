package dev.beluga.scheduler.framework;

/** Work before binding (e.g. provisioning volumes); runs on the pod's binding thread and may block. */
public interface PreBindPlugin extends Plugin {
    Status preBind(CycleState state, PodInfo pod, String nodeName);
}
