package dev.beluga.scheduler.plugins.tainttoleration;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeScores;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.QueueingHint;
import dev.beluga.scheduler.framework.ScoreExtensions;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.plugins.helper.Taints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.List;

/**
 * Filter: rejects nodes with a NoSchedule or NoExecute taint the pod does not tolerate ("node(s) had untolerated
 * taint {key: value}", unresolvable). Score: fewer untolerated PreferNoSchedule taints is better (reverse-normalized).
 */
public final class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, ScoreExtensions, EnqueueExtensions {
    private static final StateKey<PreScoreState> KEY = new StateKey<>("PreScore" + Names.TAINT_TOLERATION, PreScoreState.class);

    private record PreScoreState(List<Toleration> preferNoScheduleTolerations) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    @Override
    public String name() {
        return Names.TAINT_TOLERATION;
    }

    private static List<Toleration> tolerations(PodInfo pod) {
        List<Toleration> t = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getTolerations();
        return t == null ? List.of() : t;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        Node node = nodeInfo.node();
        List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
        if (taints == null || taints.isEmpty()) return Status.SUCCESS;
        Taint t = Taints.firstUntolerated(taints, tolerations(pod), Taints.DO_NOT_SCHEDULE);
        if (t == null) return Status.SUCCESS;
        return Status.unresolvable("node(s) had untolerated taint {" + nz(t.getKey()) + ": " + nz(t.getValue()) + "}");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        List<Toleration> prefer = new ArrayList<>();
        for (Toleration t : tolerations(pod))
            if (t.getEffect() == null || t.getEffect().isEmpty() || Taints.PREFER_NO_SCHEDULE.equals(t.getEffect())) prefer.add(t);
        state.write(KEY, new PreScoreState(prefer));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        Node node = nodeInfo.node();
        List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
        if (taints == null || taints.isEmpty()) return 0;
        PreScoreState s = state.read(KEY);
        List<Toleration> prefer = s == null ? tolerations(pod) : s.preferNoScheduleTolerations();
        long n = 0;
        for (Taint t : taints) {
            if (!Taints.PREFER_NO_SCHEDULE.equals(t.getEffect())) continue;
            if (!Taints.toleratesAny(prefer, t)) n++;
        }
        return n;
    }

    @Override
    public ScoreExtensions scoreExtensions() {
        return this;
    }

    @Override
    public Status normalizeScore(CycleState state, PodInfo pod, NodeScores scores) {
        Scores.defaultNormalize(Scores.MAX_NODE_SCORE, true, scores);
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_TAINT, (pod, oldObj, newObj) -> {
                if (!(newObj instanceof Node n)) return QueueingHint.QUEUE;
                List<Taint> taints = n.getSpec() == null ? null : n.getSpec().getTaints();
                return Taints.firstUntolerated(taints, tolerations(pod), Taints.DO_NOT_SCHEDULE) == null ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }),
            ClusterEventWithHint.of(EventResource.UNSCHEDULED_POD, ActionType.UPDATE_POD_TOLERATION));
    }
}
