package dev.beluga.scheduler.plugins.nodeaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeScores;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.QueueingHint;
import dev.beluga.scheduler.framework.ScoreExtensions;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.plugins.helper.NodeSelectorTerm;
import dev.beluga.scheduler.plugins.helper.RequiredNodeAffinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Filter: {@code spec.nodeSelector} and required node affinity must match the node ("node(s) didn't match Pod's node
 * affinity/selector"); PreFilter narrows the nodes when every term pins {@code metadata.name}. Score: sum of the
 * weights of the matching preferred terms, normalized. Args: {@code addedAffinity} (a NodeAffinity applied to every
 * pod of the profile).
 */
public final class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, ScoreExtensions, EnqueueExtensions {
    public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
    public static final String ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
    public static final String ERR_REASON_CONFLICT = "pod affinity terms conflict";
    private static final Status REJECT_POD = Status.unresolvable(ERR_REASON_POD);
    private static final Status REJECT_ENFORCED = Status.unresolvable(ERR_REASON_ENFORCED);
    private static final StateKey<PreFilterState> PRE_FILTER = new StateKey<>("PreFilter" + Names.NODE_AFFINITY, PreFilterState.class);
    private static final StateKey<PreScoreState> PRE_SCORE = new StateKey<>("PreScore" + Names.NODE_AFFINITY, PreScoreState.class);

    private final List<NodeSelectorTerm> addedRequired;
    private final List<Weighted> addedPreferred;

    private record PreFilterState(RequiredNodeAffinity required) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    private record Weighted(int weight, NodeSelectorTerm term) {
    }

    private record PreScoreState(List<Weighted> preferred) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    public NodeAffinity(JsonNode args) {
        List<NodeSelectorTerm> req = null;
        List<Weighted> pref = List.of();
        JsonNode added = args == null ? null : args.get("addedAffinity");
        if (added != null && added.isObject()) {
            io.fabric8.kubernetes.api.model.NodeAffinity na;
            try {
                na = new ObjectMapper().treeToValue(added, io.fabric8.kubernetes.api.model.NodeAffinity.class);
            } catch (Exception e) {
                throw new IllegalArgumentException("addedAffinity: " + e.getMessage(), e);
            }
            if (na.getRequiredDuringSchedulingIgnoredDuringExecution() != null)
                req = RequiredNodeAffinity.terms(na.getRequiredDuringSchedulingIgnoredDuringExecution());
            pref = weighted(na.getPreferredDuringSchedulingIgnoredDuringExecution());
        }
        this.addedRequired = req;
        this.addedPreferred = pref;
    }

    public NodeAffinity() {
        this(null);
    }

    @Override
    public String name() {
        return Names.NODE_AFFINITY;
    }

    private static List<Weighted> weighted(List<PreferredSchedulingTerm> terms) {
        if (terms == null || terms.isEmpty()) return List.of();
        List<Weighted> out = new ArrayList<>();
        for (PreferredSchedulingTerm t : terms) {
            int w = t.getWeight() == null ? 0 : t.getWeight();
            if (w == 0 || t.getPreference() == null) continue;
            out.add(new Weighted(w, NodeSelectorTerm.of(t.getPreference())));
        }
        return out;
    }

    private static boolean hasRequiredNodeAffinity(PodInfo pod) {
        var spec = pod.pod().getSpec();
        return spec != null && spec.getAffinity() != null && spec.getAffinity().getNodeAffinity() != null
            && spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        boolean noNodeAffinity = !hasRequiredNodeAffinity(pod);
        Map<String, String> nodeSelector = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getNodeSelector();
        if (noNodeAffinity && addedRequired == null && nodeSelector == null) return PreFilterResult.skip();
        RequiredNodeAffinity required = RequiredNodeAffinity.of(pod.pod());
        state.write(PRE_FILTER, new PreFilterState(required));
        if (noNodeAffinity || addedRequired != null) return PreFilterResult.success();
        Set<String> names = null;
        for (NodeSelectorTerm t : required.terms()) {
            List<String> termNames = t.nameInValues();
            if (termNames == null) return PreFilterResult.success();
            if (names == null) names = new HashSet<>();
            names.addAll(new HashSet<>(termNames.size() == 1 ? termNames : intersectAll(termNames)));
        }
        if (names == null) return PreFilterResult.success();
        if (names.isEmpty()) return PreFilterResult.of(Status.unresolvable(ERR_REASON_CONFLICT));
        return PreFilterResult.nodes(names);
    }

    /** Several {@code metadata.name In [x]} requirements in one term are ANDed: their values must all be equal. */
    private static List<String> intersectAll(List<String> values) {
        String first = values.get(0);
        for (String v : values) if (!v.equals(first)) return List.of();
        return List.of(first);
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        if (addedRequired != null && !RequiredNodeAffinity.anyTermMatches(addedRequired, nodeInfo.labels(), nodeInfo.name()))
            return REJECT_ENFORCED;
        PreFilterState s = state.read(PRE_FILTER);
        RequiredNodeAffinity required = s != null ? s.required() : RequiredNodeAffinity.of(pod.pod());
        return required.matches(nodeInfo.labels(), nodeInfo.name()) ? Status.SUCCESS : REJECT_POD;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        List<Weighted> pref = preferred(pod);
        if (pref.isEmpty()) return Status.skip();
        state.write(PRE_SCORE, new PreScoreState(pref));
        return Status.SUCCESS;
    }

    private List<Weighted> preferred(PodInfo pod) {
        var spec = pod.pod().getSpec();
        List<Weighted> fromPod = List.of();
        if (spec != null && spec.getAffinity() != null && spec.getAffinity().getNodeAffinity() != null)
            fromPod = weighted(spec.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        if (addedPreferred.isEmpty()) return fromPod;
        List<Weighted> all = new ArrayList<>(addedPreferred);
        all.addAll(fromPod);
        return all;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        PreScoreState s = state.read(PRE_SCORE);
        List<Weighted> pref = s != null ? s.preferred() : preferred(pod);
        long sum = 0;
        for (Weighted w : pref) if (w.term().matches(nodeInfo.labels(), nodeInfo.name())) sum += w.weight();
        return sum;
    }

    @Override
    public ScoreExtensions scoreExtensions() {
        return this;
    }

    @Override
    public Status normalizeScore(CycleState state, PodInfo pod, NodeScores scores) {
        Scores.defaultNormalize(Scores.MAX_NODE_SCORE, false, scores);
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL, (pod, oldObj, newObj) -> {
            if (!(newObj instanceof Node n)) return QueueingHint.QUEUE;
            Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
            if (addedRequired != null && !RequiredNodeAffinity.anyTermMatches(addedRequired, labels, n.getMetadata().getName()))
                return QueueingHint.QUEUE_SKIP;
            return RequiredNodeAffinity.of(pod.pod()).matches(labels, n.getMetadata().getName()) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
        }));
    }
}
