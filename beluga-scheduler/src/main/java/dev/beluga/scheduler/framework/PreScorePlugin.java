package dev.beluga.scheduler.framework;

import java.util.List;

/** Precomputes scoring state once per cycle over the feasible nodes; Skip disables the plugin's Score for the pod. */
public interface PreScorePlugin extends Plugin {
    Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes);
}
