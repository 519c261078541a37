package dev.beluga.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;

import java.util.List;

/**
 * Favors nodes whose resource usage stays balanced with the pod: {@code (1 − std(requested/allocatable)) × 100} over
 * the configured resources (default cpu and memory), using actual requests. Pods that request nothing are skipped.
 */
public final class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
    private static final StateKey<State> KEY = new StateKey<>("PreScore" + Names.NODE_RESOURCES_BALANCED_ALLOCATION, State.class);
    private final ResourceAllocationScorer scorer;

    private record State(long[] podRequests) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    public NodeResourcesBalancedAllocation(JsonNode args) {
        List<ResourceSpec> resources = ResourceSpec.parse(args == null ? null : args.get("resources"), "resources");
        this.scorer = new ResourceAllocationScorer(resources, true, NodeResourcesBalancedAllocation::balanced);
    }

    public NodeResourcesBalancedAllocation() {
        this(null);
    }

    @Override
    public String name() {
        return Names.NODE_RESOURCES_BALANCED_ALLOCATION;
    }

    static long balanced(long[] requested, long[] allocatable) {
        double[] fractions = new double[requested.length];
        int n = 0;
        double total = 0;
        for (int i = 0; i < requested.length; i++) {
            if (allocatable[i] == 0) continue;
            double f = (double) requested[i] / allocatable[i];
            if (f > 1) f = 1;
            total += f;
            fractions[n++] = f;
        }
        double std = 0;
        if (n == 2) {
            std = Math.abs((fractions[0] - fractions[1]) / 2);
        } else if (n > 2) {
            double mean = total / n;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += (fractions[i] - mean) * (fractions[i] - mean);
            std = Math.sqrt(sum / n);
        }
        return (long) ((1 - std) * Scores.MAX_NODE_SCORE);
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        long[] reqs = scorer.podRequests(pod);
        boolean zero = true;
        for (long r : reqs) if (r != 0) zero = false;
        if (zero) return Status.skip();
        state.write(KEY, new State(reqs));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        State s = state.read(KEY);
        return scorer.score(nodeInfo, s != null ? s.podRequests() : scorer.podRequests(pod));
    }
}
