package dev.beluga.scheduler.client;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Deletes preemption victims through the API (graceful delete; upstream first adds a {@code DisruptionTarget}
 * condition with reason {@code PreemptionByScheduler}). Called on the scheduling thread during PostFilter; may block
 * briefly. Throw on failure (the preemption attempt then fails with an error).
 */
@FunctionalInterface
public interface PodDeleter {
    void deleteVictim(Pod victim, Pod preemptor, String nodeName) throws Exception;
}
