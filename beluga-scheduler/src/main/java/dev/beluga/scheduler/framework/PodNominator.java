package dev.beluga.scheduler.framework;

import java.util.List;

/**
 * Pods nominated to run on a node (after they preempted others there), so that Filter can reserve their room for
 * them. Thread-safe.
 */
public interface PodNominator {
    /** Records (or moves) a nomination; {@code nodeName} null or empty removes it. */
    void addNominatedPod(PodInfo pod, String nodeName);

    void deleteNominatedPodIfExists(String uid);

    /** The pods nominated to a node (a copy; empty when none). */
    List<PodInfo> nominatedPodsForNode(String nodeName);

    /** The node a pod is nominated to, or null. */
    String nominatedNodeFor(String uid);
}
