package dev.beluga.scheduler.framework;

/**
 * Reserves resources for a pod once its node is chosen (after the cache assumed it). {@link #unreserve} is called in
 * reverse plugin order if a later step fails; it must be idempotent and must not fail. Reserve runs on the scheduling
 * thread, unreserve possibly on a binding thread.
 */
public interface ReservePlugin extends Plugin {
    Status reserve(CycleState state, PodInfo pod, String nodeName);

    void unreserve(CycleState state, PodInfo pod, String nodeName);
}
