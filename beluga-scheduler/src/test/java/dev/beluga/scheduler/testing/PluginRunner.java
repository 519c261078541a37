package dev.beluga.scheduler.testing;

import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeScores;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.ScoreExtensions;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one plugin the way the framework does: PreFilter then Filter per node (a Skip at PreFilter means Filter is not
 * called, i.e. Success), PreScore then Score per node then NormalizeScore.
 */
public final class PluginRunner {
    private PluginRunner() {
    }

    /** The outcome of PreFilter + Filter: the PreFilter result (null when the plugin has none) and per-node statuses. */
    public record FilterRun(PreFilterResult preFilter, Map<String, Status> statuses, CycleState state) {
        public Status status(String node) {
            return statuses.get(node);
        }
    }

    /**
     * Runs PreFilter (if the plugin has one) and Filter on every node. When PreFilter rejects, every node gets that
     * status; nodes outside a PreFilter node restriction get null.
     */
    public static FilterRun filter(FilterPlugin plugin, PodInfo pod, List<NodeInfo> nodes) {
        CycleState state = new CycleState();
        PreFilterResult pre = null;
        if (plugin instanceof PreFilterPlugin pf) {
            pre = pf.preFilter(state, pod, nodes);
            if (pre == null) pre = PreFilterResult.success();
        }
        Map<String, Status> out = new LinkedHashMap<>();
        for (NodeInfo ni : nodes) {
            if (pre != null && pre.status().isSkip()) {
                out.put(ni.name(), Status.SUCCESS);
            } else if (pre != null && !pre.status().isSuccess()) {
                out.put(ni.name(), pre.status());
            } else if (pre != null && pre.nodeNames() != null && !pre.nodeNames().contains(ni.name())) {
                out.put(ni.name(), null);
            } else {
                out.put(ni.name(), Status.orSuccess(plugin.filter(state, pod, ni)));
            }
        }
        return new FilterRun(pre, out, state);
    }

    /** The outcome of scoring: whether PreScore skipped the plugin, and normalized scores by node. */
    public record ScoreRun(boolean skipped, Map<String, Long> scores) {
        public long score(String node) {
            return scores.get(node);
        }
    }

    /** Runs PreScore (if any), Score on every node and NormalizeScore (if any). */
    public static ScoreRun score(ScorePlugin plugin, PodInfo pod, List<NodeInfo> nodes) {
        return score(plugin, pod, nodes, new CycleState());
    }

    public static ScoreRun score(ScorePlugin plugin, PodInfo pod, List<NodeInfo> nodes, CycleState state) {
        if (plugin instanceof PreScorePlugin ps) {
            Status s = Status.orSuccess(ps.preScore(state, pod, nodes));
            if (s.isSkip()) return new ScoreRun(true, Map.of());
            if (!s.isSuccess()) throw new AssertionError("PreScore failed: " + s);
        }
        long[] raw = new long[nodes.size()];
        for (int i = 0; i < raw.length; i++) raw[i] = plugin.score(state, pod, nodes.get(i));
        ScoreExtensions ext = plugin.scoreExtensions();
        if (ext != null) {
            Status s = Status.orSuccess(ext.normalizeScore(state, pod, new NodeScores(nodes, raw)));
            if (!s.isSuccess()) throw new AssertionError("NormalizeScore failed: " + s);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < raw.length; i++) out.put(nodes.get(i).name(), raw[i]);
        return new ScoreRun(false, out);
    }
}
