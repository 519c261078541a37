package dev.beluga.scheduler.client;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * Patches a pod's status: the {@code PodScheduled} condition (False, reason {@code Unschedulable} or
 * {@code SchedulerError}, the failure message) and {@code status.nominatedNodeName}. Called from the scheduling
 * thread (only when something changes); implementations should be quick or asynchronous.
 */
@FunctionalInterface
public interface PodStatusWriter {
    /**
     * @param condition         the condition to set (replacing the pod's {@code PodScheduled}), or null to leave it
     * @param nominatedNodeName null to leave the nomination, {@code ""} to clear it, else the node to nominate
     */
    void updateStatus(Pod pod, PodCondition condition, String nominatedNodeName);
}
