package dev.beluga.scheduler.plugins.podtopologyspread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.api.labels.Operator;
import dev.beluga.api.labels.Requirement;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.NodeScores;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterExtensions;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.ScoreExtensions;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.WorkloadLister;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.plugins.helper.RequiredNodeAffinity;
import dev.beluga.scheduler.util.Selectors;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads pods over topology domains (upstream semantics).
 *
 * <p>Filter (DoNotSchedule constraints): placing the pod must keep {@code matching pods in the node's domain + 1 −
 * global minimum ≤ maxSkew} ("node(s) didn't match pod topology spread constraints"; nodes without the topology key:
 * "... (missing required label)", unresolvable). Score (ScheduleAnyway constraints): fewer matching pods in the
 * node's domains scores higher.
 *
 * <p>A pod without constraints gets the default ones when it belongs to a service, ReplicaSet, StatefulSet or
 * ReplicationController: with {@code defaultingType: System} (default) hostname maxSkew 3 and zone maxSkew 5, both
 * ScheduleAnyway; with {@code List}, the configured {@code defaultConstraints}.
 */
public final class PodTopologySpread implements PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin,
    ScorePlugin, ScoreExtensions, EnqueueExtensions {
    public static final String ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
    public static final String ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)";
    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";
    private static final Status REJECT = Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    private static final Status REJECT_LABEL = Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
    private static final StateKey<PreFilterState> PRE_FILTER = new StateKey<>("PreFilter" + Names.POD_TOPOLOGY_SPREAD, PreFilterState.class);
    private static final StateKey<PreScoreState> PRE_SCORE = new StateKey<>("PreScore" + Names.POD_TOPOLOGY_SPREAD, PreScoreState.class);

    private final NodeInfoLister snapshot;
    private final WorkloadLister workloads;
    private final List<TopologySpreadConstraint> defaultConstraints;
    private final boolean systemDefaulted;
    private final MatchCountCache matchCounts = new MatchCountCache();

    public PodTopologySpread(JsonNode args, NodeInfoLister snapshot, WorkloadLister workloads) {
        this.snapshot = snapshot;
        this.workloads = workloads;
        String type = args == null ? "System" : args.path("defaultingType").asText("System");
        List<TopologySpreadConstraint> configured = new ArrayList<>();
        JsonNode dc = args == null ? null : args.get("defaultConstraints");
        if (dc != null && dc.isArray()) {
            ObjectMapper om = new ObjectMapper();
            for (JsonNode c : dc) {
                try {
                    TopologySpreadConstraint t = om.treeToValue(c, TopologySpreadConstraint.class);
                    if (t.getLabelSelector() != null)
                        throw new IllegalArgumentException("defaultConstraints: labelSelector is not allowed; it is derived from the pod's services and controllers");
                    if (t.getMaxSkew() == null || t.getMaxSkew() <= 0) throw new IllegalArgumentException("defaultConstraints.maxSkew: must be greater than zero");
                    if (t.getTopologyKey() == null || t.getTopologyKey().isEmpty()) throw new IllegalArgumentException("defaultConstraints.topologyKey: required");
                    configured.add(t);
                } catch (IllegalArgumentException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalArgumentException("defaultConstraints: " + e.getMessage(), e);
                }
            }
        }
        switch (type) {
            case "System" -> {
                if (!configured.isEmpty()) throw new IllegalArgumentException("defaultConstraints: must be empty for System defaulting");
                this.systemDefaulted = true;
                this.defaultConstraints = List.of(
                    new TopologySpreadConstraint(null, List.of(), 3, null, null, null, HOSTNAME, "ScheduleAnyway"),
                    new TopologySpreadConstraint(null, List.of(), 5, null, null, null, ZONE, "ScheduleAnyway"));
            }
            case "List" -> {
                this.systemDefaulted = false;
                this.defaultConstraints = List.copyOf(configured);
            }
            default -> throw new IllegalArgumentException("defaultingType: Unsupported value: \"" + type + "\": supported values: \"System\", \"List\"");
        }
    }

    @Override
    public String name() {
        return Names.POD_TOPOLOGY_SPREAD;
    }

    // ---- constraints ----

    private static List<TopologySpreadConstraint> podConstraints(PodInfo pod) {
        var spec = pod.pod().getSpec();
        List<TopologySpreadConstraint> l = spec == null ? null : spec.getTopologySpreadConstraints();
        return l == null ? List.of() : l;
    }

    private List<SpreadConstraint> constraints(PodInfo pod, String action) {
        List<TopologySpreadConstraint> own = podConstraints(pod);
        if (!own.isEmpty()) return filter(own, pod, action, null);
        if (defaultConstraints.isEmpty()) return List.of();
        List<TopologySpreadConstraint> wanted = new ArrayList<>();
        for (TopologySpreadConstraint c : defaultConstraints) if (action.equals(c.getWhenUnsatisfiable())) wanted.add(c);
        if (wanted.isEmpty()) return List.of();
        LabelSelector selector = DefaultSelector.of(pod, workloads);
        if (selector.isEmpty() || selector.matchesNothing()) return List.of();
        return filter(wanted, pod, action, selector);
    }

    private static List<SpreadConstraint> filter(List<TopologySpreadConstraint> cs, PodInfo pod, String action, LabelSelector fixed) {
        List<SpreadConstraint> out = new ArrayList<>();
        for (TopologySpreadConstraint c : cs) {
            if (!action.equals(c.getWhenUnsatisfiable())) continue;
            LabelSelector sel = fixed != null ? fixed : Selectors.of(c.getLabelSelector());
            if (fixed == null && c.getMatchLabelKeys() != null && !c.getMatchLabelKeys().isEmpty()) {
                List<Requirement> extra = new ArrayList<>();
                for (String k : c.getMatchLabelKeys()) {
                    String v = pod.labels().get(k);
                    if (v != null) extra.add(new Requirement(k, Operator.IN, Set.of(v)));
                }
                sel = Selectors.and(sel, extra);
            }
            int minDomains = c.getMinDomains() == null ? 1 : c.getMinDomains();
            out.add(new SpreadConstraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(), sel, minDomains,
                !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy())));
        }
        return out;
    }

    // ---- PreFilter / Filter ----

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        List<SpreadConstraint> cs = constraints(pod, "DoNotSchedule");
        if (cs.isEmpty()) return PreFilterResult.skip();
        PreFilterState s = new PreFilterState(cs);
        RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
        for (NodeInfo ni : nodes) {
            if (!SpreadConstraint.nodeHasAllKeys(ni.labels(), cs)) continue;
            for (int i = 0; i < cs.size(); i++) {
                SpreadConstraint c = cs.get(i);
                if (!c.matchNodeInclusionPolicies(pod, ni, required)) continue;
                String value = ni.labels().get(c.topologyKey());
                int count = matchCounts.count(ni, c.selector(), pod.namespace());
                s.matchNum.get(i).merge(value, count, Integer::sum);
            }
        }
        for (int i = 0; i < cs.size(); i++) {
            s.domains[i] = s.matchNum.get(i).size();
            for (Map.Entry<String, Integer> e : s.matchNum.get(i).entrySet()) s.criticalPaths[i].update(e.getKey(), e.getValue());
        }
        state.write(PRE_FILTER, s);
        return PreFilterResult.success();
    }

    @Override
    public PreFilterExtensions preFilterExtensions() {
        return this;
    }

    @Override
    public Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
        update(state.read(PRE_FILTER), podToAdd, podToSchedule, nodeInfo, 1);
        return Status.SUCCESS;
    }

    @Override
    public Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
        update(state.read(PRE_FILTER), podToRemove, podToSchedule, nodeInfo, -1);
        return Status.SUCCESS;
    }

    private static void update(PreFilterState s, PodInfo updated, PodInfo preemptor, NodeInfo node, int delta) {
        if (s == null || !updated.namespace().equals(preemptor.namespace()) || node.node() == null) return;
        if (!SpreadConstraint.nodeHasAllKeys(node.labels(), s.constraints)) return;
        RequiredNodeAffinity required = RequiredNodeAffinity.of(preemptor.pod());
        for (int i = 0; i < s.constraints.size(); i++) {
            SpreadConstraint c = s.constraints.get(i);
            if (!c.selector().matches(updated.labels())) continue;
            if (!c.matchNodeInclusionPolicies(preemptor, node, required)) continue;
            String v = node.labels().get(c.topologyKey());
            int n = s.matchNum.get(i).getOrDefault(v, 0) + delta;
            s.matchNum.get(i).put(v, n);
            s.criticalPaths[i].update(v, n);
        }
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        PreFilterState s = state.read(PRE_FILTER);
        if (s == null) return Status.error("reading \"PreFilter" + Names.POD_TOPOLOGY_SPREAD + "\" from cycleState: not found");
        for (int i = 0; i < s.constraints.size(); i++) {
            SpreadConstraint c = s.constraints.get(i);
            String value = nodeInfo.labels().get(c.topologyKey());
            if (value == null) return REJECT_LABEL;
            int min = s.minMatchNum(i);
            int self = c.selector().matches(pod.labels()) ? 1 : 0;
            int match = s.matchNum.get(i).getOrDefault(value, 0);
            long skew = (long) match + self - min;
            if (skew > c.maxSkew()) return REJECT;
        }
        return Status.SUCCESS;
    }

    // ---- PreScore / Score ----

    private static final class PreScoreState implements StateData {
        List<SpreadConstraint> constraints = List.of();
        final Set<String> ignoredNodes = new HashSet<>();
        List<Map<String, long[]>> counts = List.of();
        double[] weights = new double[0];

        @Override
        public StateData cloneData() {
            return this;
        }
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> filteredNodes) {
        List<NodeInfo> all = snapshot.list();
        if (filteredNodes.isEmpty() || all.isEmpty()) return Status.skip();
        List<SpreadConstraint> cs = constraints(pod, "ScheduleAnyway");
        if (cs.isEmpty()) return Status.skip();
        boolean requireAll = !podConstraints(pod).isEmpty() || !systemDefaulted;
        PreScoreState s = new PreScoreState();
        s.constraints = cs;
        List<Map<String, long[]>> counts = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) counts.add(new HashMap<>());
        int[] topoSize = new int[cs.size()];
        for (NodeInfo ni : filteredNodes) {
            if (requireAll && !SpreadConstraint.nodeHasAllKeys(ni.labels(), cs)) {
                s.ignoredNodes.add(ni.name());
                continue;
            }
            for (int i = 0; i < cs.size(); i++) {
                SpreadConstraint c = cs.get(i);
                if (c.topologyKey().equals(HOSTNAME)) continue;
                String v = ni.labels().get(c.topologyKey());
                if (v == null) continue;
                if (!counts.get(i).containsKey(v)) {
                    counts.get(i).put(v, new long[1]);
                    topoSize[i]++;
                }
            }
        }
        s.counts = counts;
        s.weights = new double[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            int size = cs.get(i).topologyKey().equals(HOSTNAME) ? filteredNodes.size() - s.ignoredNodes.size() : topoSize[i];
            s.weights[i] = Math.log(size + 2);
        }
        RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
        for (NodeInfo ni : all) {
            if (requireAll && !SpreadConstraint.nodeHasAllKeys(ni.labels(), cs)) continue;
            for (int i = 0; i < cs.size(); i++) {
                SpreadConstraint c = cs.get(i);
                if (c.topologyKey().equals(HOSTNAME)) continue;
                if (!c.matchNodeInclusionPolicies(pod, ni, required)) continue;
                String v = ni.labels().get(c.topologyKey());
                long[] counter = v == null ? null : counts.get(i).get(v);
                if (counter == null) continue;
                counter[0] += matchCounts.count(ni, c.selector(), pod.namespace());
            }
        }
        state.write(PRE_SCORE, s);
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        PreScoreState s = state.read(PRE_SCORE);
        if (s == null || s.ignoredNodes.contains(nodeInfo.name())) return 0;
        double score = 0;
        for (int i = 0; i < s.constraints.size(); i++) {
            SpreadConstraint c = s.constraints.get(i);
            String v = nodeInfo.labels().get(c.topologyKey());
            if (v == null) continue;
            long cnt;
            if (c.topologyKey().equals(HOSTNAME)) {
                cnt = matchCounts.count(nodeInfo, c.selector(), pod.namespace());
            } else {
                long[] counter = s.counts.get(i).get(v);
                cnt = counter == null ? 0 : counter[0];
            }
            score += cnt * s.weights[i] + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    @Override
    public ScoreExtensions scoreExtensions() {
        return this;
    }

    @Override
    public Status normalizeScore(CycleState state, PodInfo pod, NodeScores scores) {
        PreScoreState s = state.read(PRE_SCORE);
        if (s == null) return Status.SUCCESS;
        long min = Long.MAX_VALUE;
        long max = 0;
        boolean[] ignored = new boolean[scores.size()];
        for (int i = 0; i < scores.size(); i++) {
            if (s.ignoredNodes.contains(scores.name(i))) {
                ignored[i] = true;
                continue;
            }
            min = Math.min(min, scores.get(i));
            max = Math.max(max, scores.get(i));
        }
        for (int i = 0; i < scores.size(); i++) {
            if (ignored[i]) {
                scores.set(i, 0);
                continue;
            }
            if (max == 0) {
                scores.set(i, Scores.MAX_NODE_SCORE);
                continue;
            }
            scores.set(i, Scores.MAX_NODE_SCORE * (max + min - scores.get(i)) / max);
        }
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(
            ClusterEventWithHint.of(EventResource.ASSIGNED_POD, ActionType.ALL),
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.DELETE | ActionType.UPDATE_NODE_LABEL | ActionType.UPDATE_NODE_TAINT));
    }
}
