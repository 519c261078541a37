package dev.beluga.scheduler.framework;

/**
 * Ranks a feasible node. Called concurrently for different nodes. Must return a score in
 * [{@link Scores#MIN_NODE_SCORE}, {@link Scores#MAX_NODE_SCORE}] after normalization; throw to report an internal
 * error (the pod is then retried with backoff).
 */
public interface ScorePlugin extends Plugin {
    long score(CycleState state, PodInfo pod, NodeInfo nodeInfo);

    /** Normalization of this plugin's raw scores, or null. */
    default ScoreExtensions scoreExtensions() {
        return null;
    }
}
