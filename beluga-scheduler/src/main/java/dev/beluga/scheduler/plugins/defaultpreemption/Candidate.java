package dev.beluga.scheduler.plugins.defaultpreemption;

import dev.beluga.scheduler.framework.PodInfo;

import java.util.List;

/**
 * A node where preemption would make the pod fit: the victims (sorted most important first) and how many of them
 * would violate a PodDisruptionBudget. Immutable.
 */
public record Candidate(String nodeName, List<PodInfo> victims, int numPdbViolations) {
}
