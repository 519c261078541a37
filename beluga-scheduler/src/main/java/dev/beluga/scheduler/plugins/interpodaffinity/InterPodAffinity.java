package dev.beluga.scheduler.plugins.interpodaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.AffinityTerm;
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
import dev.beluga.scheduler.framework.WeightedAffinityTerm;
import dev.beluga.scheduler.listers.NamespaceLister;
import dev.beluga.scheduler.plugins.Names;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pod affinity and anti-affinity (upstream semantics).
 *
 * <p>Filter: the node's domain must hold a pod matching every required affinity term (or, for the first pod of a
 * group that matches its own terms, no such pod anywhere) — "node(s) didn't match pod affinity rules", unresolvable;
 * no pod matching a required anti-affinity term — "node(s) didn't match pod anti-affinity rules"; and no existing pod
 * whose required anti-affinity term matches the incoming pod — "node(s) didn't satisfy existing pods anti-affinity
 * rules". Namespaces come from the term's {@code namespaces}, {@code namespaceSelector} (resolved with the
 * {@link NamespaceLister}) or the pod's own namespace.
 *
 * <p>Score: preferred terms of the pod and of existing pods (and existing pods' required affinity, weighted by
 * {@code hardPodAffinityWeight}, default 1), summed per topology domain and normalized to 0-100.
 */
public final class InterPodAffinity implements PreFilterPlugin, PreFilterExtensions, FilterPlugin, PreScorePlugin,
    ScorePlugin, ScoreExtensions, EnqueueExtensions {
    public static final String ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
    public static final String ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
    public static final String ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    private static final Status REJECT_AFFINITY = Status.unresolvable(ERR_REASON_AFFINITY);
    private static final Status REJECT_ANTI_AFFINITY = Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    private static final Status REJECT_EXISTING = Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    private static final StateKey<FilterState> PRE_FILTER = new StateKey<>("PreFilter" + Names.INTER_POD_AFFINITY, FilterState.class);
    private static final StateKey<ScoreState> PRE_SCORE = new StateKey<>("PreScore" + Names.INTER_POD_AFFINITY, ScoreState.class);

    private final NodeInfoLister snapshot;
    private final NamespaceLister namespaces;
    private final int hardPodAffinityWeight;
    private final boolean ignorePreferredTermsOfExistingPods;
    private final PreFilterCounts counts;

    public InterPodAffinity(JsonNode args, NodeInfoLister snapshot, NamespaceLister namespaces) {
        this.snapshot = snapshot;
        this.namespaces = namespaces;
        this.hardPodAffinityWeight = args == null ? 1 : args.path("hardPodAffinityWeight").asInt(1);
        if (hardPodAffinityWeight < 0 || hardPodAffinityWeight > 100)
            throw new IllegalArgumentException("hardPodAffinityWeight: must be in the range [0, 100]");
        this.ignorePreferredTermsOfExistingPods = args != null && args.path("ignorePreferredTermsOfExistingPods").asBoolean(false);
        this.counts = new PreFilterCounts(snapshot);
    }

    @Override
    public String name() {
        return Names.INTER_POD_AFFINITY;
    }

    /**
     * The PreFilter result of one cycle. Its counts may be those {@link PreFilterCounts} keeps for the next cycle
     * ({@code shared}): they are copied before the first change (addPod/removePod during preemption or for nominated
     * pods), and the state is not used after the cycle.
     */
    private static final class FilterState implements StateData {
        List<AffinityTerm> affinityTerms;
        List<AffinityTerm> antiAffinityTerms;
        Map<String, String> namespaceLabels;
        TopologyCounts existingAntiAffinity = new TopologyCounts();
        TopologyCounts affinity = new TopologyCounts();
        TopologyCounts antiAffinity = new TopologyCounts();
        boolean shared;

        @Override
        public StateData cloneData() {
            FilterState c = new FilterState();
            c.affinityTerms = affinityTerms;
            c.antiAffinityTerms = antiAffinityTerms;
            c.namespaceLabels = namespaceLabels;
            c.existingAntiAffinity = existingAntiAffinity.copy();
            c.affinity = affinity.copy();
            c.antiAffinity = antiAffinity.copy();
            return c;
        }

        /** Adds or removes (delta −1) an existing pod on a node (upstream {@code updateWithPod}). */
        void updateWithPod(PodInfo existing, PodInfo incoming, NodeInfo node, long delta) {
            if (shared) {
                existingAntiAffinity = existingAntiAffinity.copy();
                affinity = affinity.copy();
                antiAffinity = antiAffinity.copy();
                shared = false;
            }
            Map<String, String> labels = node.labels();
            for (AffinityTerm t : existing.requiredAntiAffinityTerms())
                if (t.matches(incoming, namespaceLabels)) countAt(existingAntiAffinity, labels, t.topologyKey(), delta);
            if (matchesAll(affinityTerms, existing))
                for (AffinityTerm t : affinityTerms) countAt(affinity, labels, t.topologyKey(), delta);
            for (AffinityTerm t : antiAffinityTerms)
                if (t.matches(existing, null)) countAt(antiAffinity, labels, t.topologyKey(), delta);
        }
    }

    private static void countAt(TopologyCounts c, Map<String, String> labels, String key, long delta) {
        String v = labels.get(key);
        if (v != null) c.add(key, v, delta);
    }

    static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod) {
        if (terms.isEmpty()) return false;
        for (AffinityTerm t : terms) if (!t.matches(pod, null)) return false;
        return true;
    }

    private Map<String, String> namespaceLabels(String ns) {
        Namespace n = namespaces.get(ns);
        Map<String, String> l = n == null || n.getMetadata() == null ? null : n.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }

    /** Resolves a non-empty namespace selector into namespace names (upstream {@code mergeAffinityTermNamespacesIfNotEmpty}). */
    private AffinityTerm mergeNamespaces(AffinityTerm t) {
        LabelSelector nsSel = t.namespaceSelector();
        if (nsSel.matchesNothing() || nsSel.isEmpty()) return t;
        Set<String> names = new HashSet<>(t.namespaces());
        for (Namespace n : namespaces.list()) {
            Map<String, String> l = n.getMetadata().getLabels();
            if (nsSel.matches(l == null ? Map.of() : l)) names.add(n.getMetadata().getName());
        }
        return new AffinityTerm(Set.copyOf(names), t.selector(), t.topologyKey(), LabelSelector.NOTHING);
    }

    private List<AffinityTerm> merged(List<AffinityTerm> terms) {
        if (terms.isEmpty()) return terms;
        List<AffinityTerm> out = new ArrayList<>(terms.size());
        for (AffinityTerm t : terms) out.add(mergeNamespaces(t));
        return out;
    }

    // ---- PreFilter / Filter ----

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        if (pod.parseError() != null) return PreFilterResult.of(Status.unresolvable("parsing pod: " + pod.parseError()));
        FilterState s = new FilterState();
        s.affinityTerms = merged(pod.requiredAffinityTerms());
        s.antiAffinityTerms = merged(pod.requiredAntiAffinityTerms());
        s.namespaceLabels = namespaceLabels(pod.namespace());
        TopologyCounts[] c = counts.counts(pod, new PreFilterCounts.Shape(pod.namespace(), pod.labels(), s.namespaceLabels,
            s.affinityTerms, s.antiAffinityTerms), nodes);
        s.existingAntiAffinity = c[PreFilterCounts.EXISTING_ANTI_AFFINITY];
        s.affinity = c[PreFilterCounts.AFFINITY];
        s.antiAffinity = c[PreFilterCounts.ANTI_AFFINITY];
        s.shared = true;
        if (s.affinityTerms.isEmpty() && s.antiAffinityTerms.isEmpty() && s.existingAntiAffinity.isEmpty())
            return PreFilterResult.skip();
        state.write(PRE_FILTER, s);
        return PreFilterResult.success();
    }

    @Override
    public PreFilterExtensions preFilterExtensions() {
        return this;
    }

    @Override
    public Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
        FilterState s = state.read(PRE_FILTER);
        if (s != null) s.updateWithPod(podToAdd, podToSchedule, nodeInfo, 1);
        return Status.SUCCESS;
    }

    @Override
    public Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
        FilterState s = state.read(PRE_FILTER);
        if (s != null) s.updateWithPod(podToRemove, podToSchedule, nodeInfo, -1);
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        FilterState s = state.read(PRE_FILTER);
        if (s == null) return Status.error("reading \"PreFilter" + Names.INTER_POD_AFFINITY + "\" from cycleState: not found");
        Map<String, String> labels = nodeInfo.labels();
        if (!satisfyAffinity(s, pod, labels)) return REJECT_AFFINITY;
        if (!s.antiAffinity.isEmpty()) {
            for (AffinityTerm t : s.antiAffinityTerms) {
                String v = labels.get(t.topologyKey());
                if (v != null && s.antiAffinity.get(t.topologyKey(), v) > 0) return REJECT_ANTI_AFFINITY;
            }
        }
        if (!s.existingAntiAffinity.isEmpty() && s.existingAntiAffinity.anyPositive(labels)) return REJECT_EXISTING;
        return Status.SUCCESS;
    }

    private static boolean satisfyAffinity(FilterState s, PodInfo pod, Map<String, String> labels) {
        boolean podsExist = true;
        for (AffinityTerm t : s.affinityTerms) {
            String v = labels.get(t.topologyKey());
            if (v == null) return false;
            if (s.affinity.get(t.topologyKey(), v) <= 0) podsExist = false;
        }
        if (podsExist) return true;
        return s.affinity.isEmpty() && matchesAll(s.affinityTerms, pod);
    }

    // ---- PreScore / Score ----

    private static final class ScoreState implements StateData {
        final TopologyCounts scores = new TopologyCounts();

        @Override
        public StateData cloneData() {
            return this;
        }
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        if (nodes.isEmpty()) return Status.skip();
        boolean hasConstraints = !pod.preferredAffinityTerms().isEmpty() || !pod.preferredAntiAffinityTerms().isEmpty();
        if (ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip();
        List<NodeInfo> toProcess = hasConstraints ? snapshot.list() : snapshot.havePodsWithAffinityList();
        if (toProcess.isEmpty()) return Status.skip();
        List<WeightedAffinityTerm> prefAff = mergedWeighted(pod.preferredAffinityTerms());
        List<WeightedAffinityTerm> prefAnti = mergedWeighted(pod.preferredAntiAffinityTerms());
        Map<String, String> nsLabels = namespaceLabels(pod.namespace());
        ScoreState s = new ScoreState();
        for (NodeInfo ni : toProcess) {
            if (ni.node() == null || ni.labels().isEmpty()) continue;
            Map<String, String> labels = ni.labels();
            for (PodInfo existing : hasConstraints ? ni.pods() : ni.podsWithAffinity()) {
                for (WeightedAffinityTerm w : prefAff)
                    if (w.term().matches(existing, null)) countAt(s.scores, labels, w.term().topologyKey(), w.weight());
                for (WeightedAffinityTerm w : prefAnti)
                    if (w.term().matches(existing, null)) countAt(s.scores, labels, w.term().topologyKey(), -w.weight());
                if (hardPodAffinityWeight > 0)
                    for (AffinityTerm t : existing.requiredAffinityTerms())
                        if (t.matches(pod, nsLabels)) countAt(s.scores, labels, t.topologyKey(), hardPodAffinityWeight);
                // ignorePreferredTermsOfExistingPods only applies to pods without preferred terms (skipped above)
                for (WeightedAffinityTerm w : existing.preferredAffinityTerms())
                    if (w.term().matches(pod, nsLabels)) countAt(s.scores, labels, w.term().topologyKey(), w.weight());
                for (WeightedAffinityTerm w : existing.preferredAntiAffinityTerms())
                    if (w.term().matches(pod, nsLabels)) countAt(s.scores, labels, w.term().topologyKey(), -w.weight());
            }
        }
        if (s.scores.isEmpty()) return Status.skip();
        state.write(PRE_SCORE, s);
        return Status.SUCCESS;
    }

    private List<WeightedAffinityTerm> mergedWeighted(List<WeightedAffinityTerm> terms) {
        if (terms.isEmpty()) return terms;
        List<WeightedAffinityTerm> out = new ArrayList<>(terms.size());
        for (WeightedAffinityTerm w : terms) out.add(new WeightedAffinityTerm(mergeNamespaces(w.term()), w.weight()));
        return out;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        ScoreState s = state.read(PRE_SCORE);
        return s == null ? 0 : s.scores.sumFor(nodeInfo.labels());
    }

    @Override
    public ScoreExtensions scoreExtensions() {
        return this;
    }

    @Override
    public Status normalizeScore(CycleState state, PodInfo pod, NodeScores scores) {
        ScoreState s = state.read(PRE_SCORE);
        if (s == null || s.scores.isEmpty()) return Status.SUCCESS;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < scores.size(); i++) {
            min = Math.min(min, scores.get(i));
            max = Math.max(max, scores.get(i));
        }
        long diff = max - min;
        for (int i = 0; i < scores.size(); i++) {
            double f = diff > 0 ? (double) Scores.MAX_NODE_SCORE * ((double) (scores.get(i) - min) / diff) : 0;
            scores.set(i, (long) f);
        }
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(
            ClusterEventWithHint.of(EventResource.ASSIGNED_POD, ActionType.ALL),
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL));
    }
}
