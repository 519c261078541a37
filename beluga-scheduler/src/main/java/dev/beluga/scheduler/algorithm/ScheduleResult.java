package dev.beluga.scheduler.algorithm;

/**
 * The chosen node, how many nodes were evaluated (filtered) and how many were feasible.
 */
public record ScheduleResult(String suggestedHost, int evaluatedNodes, int feasibleNodes) {
}
