package dev.beluga.scheduler.framework;

/**
 * Approves, rejects or delays the binding of a reserved pod. A {@link Code#WAIT} result parks the pod (as a
 * {@link WaitingPod}) until every waiting plugin allows it, one rejects it, or the shortest timeout passes.
 */
public interface PermitPlugin extends Plugin {
    PermitResult permit(CycleState state, PodInfo pod, String nodeName);
}
