package dev.beluga.scheduler.framework;

/** Rescales one plugin's scores of all feasible nodes in place; called once per cycle on the scheduling thread. */
public interface ScoreExtensions {
    Status normalizeScore(CycleState state, PodInfo pod, NodeScores scores);
}
