package dev.beluga.scheduler.framework;

import java.util.List;

/**
 * Scores of one plugin for the feasible nodes of a cycle, index-aligned with the node list passed to Score; given to
 * {@link ScoreExtensions#normalizeScore} to rescale in place. Not thread-safe.
 */
public final class NodeScores {
    private final List<NodeInfo> nodes;
    private final long[] scores;

    public NodeScores(List<NodeInfo> nodes, long[] scores) {
        this.nodes = nodes;
        this.scores = scores;
    }

    public int size() {
        return scores.length;
    }

    public String name(int i) {
        return nodes.get(i).name();
    }

    public NodeInfo node(int i) {
        return nodes.get(i);
    }

    public long get(int i) {
        return scores[i];
    }

    public void set(int i, long score) {
        scores[i] = score;
    }

    public long[] raw() {
        return scores;
    }
}
