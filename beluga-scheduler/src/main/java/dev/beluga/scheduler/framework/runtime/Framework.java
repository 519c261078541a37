package dev.beluga.scheduler.framework.runtime;

import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.framework.BindPlugin;
import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.Handle;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.NodeScores;
import dev.beluga.scheduler.framework.NodeToStatus;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.PermitPlugin;
import dev.beluga.scheduler.framework.PermitResult;
import dev.beluga.scheduler.framework.Plugin;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PodNominator;
import dev.beluga.scheduler.framework.PostBindPlugin;
import dev.beluga.scheduler.framework.PostFilterPlugin;
import dev.beluga.scheduler.framework.PostFilterResult;
import dev.beluga.scheduler.framework.PreBindPlugin;
import dev.beluga.scheduler.framework.PreEnqueuePlugin;
import dev.beluga.scheduler.framework.PreFilterExtensions;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.PreScorePlugin;
import dev.beluga.scheduler.framework.QueueSortPlugin;
import dev.beluga.scheduler.framework.QueueingHint;
import dev.beluga.scheduler.framework.ReservePlugin;
import dev.beluga.scheduler.framework.ScoreExtensions;
import dev.beluga.scheduler.framework.ScorePlugin;
import dev.beluga.scheduler.framework.Scores;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.WaitingPod;
import dev.beluga.scheduler.listers.ClusterListers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One scheduling profile: its plugins per extension point, in configuration order, and the logic that runs them
 * (upstream {@code frameworkImpl}). Also the {@link Handle} its plugins receive. Built by {@link FrameworkFactory}.
 *
 * <p>Threading: immutable after construction. The {@code run*} methods are called by the scheduling thread (PreFilter
 * to Permit) and by binding threads (PreBind to PostBind, Unreserve); Filter and Score run plugins in parallel over
 * nodes through the shared {@link Parallelizer}. Plugin exceptions become {@link Code#ERROR} statuses.
 */
public final class Framework implements Handle {
    /** Longest a Permit plugin may make a pod wait (upstream: 15 minutes). */
    public static final Duration MAX_PERMIT_TIMEOUT = Duration.ofMinutes(15);

    private static final StateKey<Plan> PLAN = new StateKey<>("beluga/framework-plan", Plan.class);

    private final String profileName;
    private final Integer percentageOfNodesToScore;
    private final FrameworkContext ctx;
    final Map<String, Plugin> plugins = new LinkedHashMap<>();
    final List<PreEnqueuePlugin> preEnqueue = new ArrayList<>();
    QueueSortPlugin queueSort;
    final List<PreFilterPlugin> preFilter = new ArrayList<>();
    final List<FilterPlugin> filter = new ArrayList<>();
    final List<PostFilterPlugin> postFilter = new ArrayList<>();
    final List<PreScorePlugin> preScore = new ArrayList<>();
    final List<ScorePlugin> score = new ArrayList<>();
    final List<Integer> scoreWeights = new ArrayList<>();
    final List<ReservePlugin> reserve = new ArrayList<>();
    final List<PermitPlugin> permit = new ArrayList<>();
    final List<PreBindPlugin> preBind = new ArrayList<>();
    final List<BindPlugin> bind = new ArrayList<>();
    final List<PostBindPlugin> postBind = new ArrayList<>();
    /** Registered events per plugin that can reject pods; a null value means "every event". */
    final Map<String, List<ClusterEventWithHint>> events = new LinkedHashMap<>();

    Framework(String profileName, Integer percentageOfNodesToScore, FrameworkContext ctx) {
        this.profileName = profileName;
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.ctx = ctx;
    }

    /** The per-cycle lists of non-skipped Filter and Score plugins (computed after PreFilter/PreScore). */
    private record Plan(FilterPlugin[] filters, ScorePlugin[] scores, int[] weights) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    // ---- Handle ----

    @Override
    public String profileName() {
        return profileName;
    }

    /** The profile's {@code percentageOfNodesToScore}, or null to use the scheduler-wide value. */
    public Integer percentageOfNodesToScore() {
        return percentageOfNodesToScore;
    }

    @Override
    public NodeInfoLister snapshot() {
        return ctx.snapshot();
    }

    @Override
    public ClusterListers listers() {
        return ctx.listers();
    }

    @Override
    public SchedulerClients clients() {
        return ctx.clients();
    }

    @Override
    public PodNominator nominator() {
        return ctx.nominator();
    }

    @Override
    public Parallelizer parallelizer() {
        return ctx.parallelizer();
    }

    @Override
    public Clock clock() {
        return ctx.clock();
    }

    @Override
    public WaitingPod getWaitingPod(String uid) {
        return ctx.waitingPods().get(uid);
    }

    @Override
    public void iterateOverWaitingPods(Consumer<WaitingPod> action) {
        for (WaitingPod w : ctx.waitingPods().all()) action.accept(w);
    }

    // ---- introspection ----

    public Map<String, Plugin> plugins() {
        return plugins;
    }

    public QueueSortPlugin queueSortPlugin() {
        return queueSort;
    }

    /** Plugin names per extension point, in run order (for tests and logs). */
    public Map<String, List<String>> pluginNamesByPoint() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("preEnqueue", names(preEnqueue));
        m.put("queueSort", queueSort == null ? List.of() : List.of(queueSort.name()));
        m.put("preFilter", names(preFilter));
        m.put("filter", names(filter));
        m.put("postFilter", names(postFilter));
        m.put("preScore", names(preScore));
        m.put("score", names(score));
        m.put("reserve", names(reserve));
        m.put("permit", names(permit));
        m.put("preBind", names(preBind));
        m.put("bind", names(bind));
        m.put("postBind", names(postBind));
        return m;
    }

    /** Score weights by plugin name. */
    public Map<String, Integer> scoreWeights() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < score.size(); i++) m.put(score.get(i).name(), scoreWeights.get(i));
        return m;
    }

    public boolean hasFilterPlugins() {
        return !filter.isEmpty();
    }

    public boolean hasPostFilterPlugins() {
        return !postFilter.isEmpty();
    }

    public boolean hasScorePlugins() {
        return !score.isEmpty();
    }

    private static List<String> names(List<? extends Plugin> l) {
        List<String> out = new ArrayList<>(l.size());
        for (Plugin p : l) out.add(p.name());
        return out;
    }

    // ---- queueing ----

    /** Runs the PreEnqueue plugins; the first failure (with its plugin) or Success. */
    public Status runPreEnqueuePlugins(PodInfo pod) {
        for (PreEnqueuePlugin p : preEnqueue) {
            Status s;
            try {
                s = Status.orSuccess(p.preEnqueue(pod));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (!s.isSuccess()) return s.withPlugin(p.name());
        }
        return Status.SUCCESS;
    }

    /** Whether an event may help a pod rejected by these plugins, per their registrations and hints. */
    public boolean isWorthRequeuing(PodInfo pod, Set<String> rejectors, ClusterEvent event, Object oldObj, Object newObj) {
        for (String name : rejectors) {
            if (!events.containsKey(name)) return true;
            List<ClusterEventWithHint> regs = events.get(name);
            if (regs == null) return true;
            for (ClusterEventWithHint r : regs) {
                if (!r.event().matches(event)) continue;
                if (r.hint() == null) return true;
                try {
                    if (r.hint().hint(pod, oldObj, newObj) == QueueingHint.QUEUE) return true;
                } catch (RuntimeException e) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- PreFilter / Filter ----

    /**
     * The outcome of the PreFilter point: the node restriction (null = all), the status and the plugins that rejected
     * the pod or restricted the nodes.
     */
    public record PreFilterOutcome(Set<String> nodeNames, Status status, Set<String> plugins) {
    }

    public PreFilterOutcome runPreFilterPlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        Set<String> result = null;
        Set<String> withNodes = new LinkedHashSet<>();
        Set<String> skipped = state.skipFilterPlugins();
        for (PreFilterPlugin p : preFilter) {
            PreFilterResult r;
            try {
                r = p.preFilter(state, pod, nodes);
                if (r == null) r = PreFilterResult.success();
            } catch (RuntimeException e) {
                r = PreFilterResult.of(Status.error(e));
            }
            Status s = r.status();
            if (s.isSkip()) {
                skipped.add(p.name());
                continue;
            }
            if (!s.isSuccess()) {
                if (s.isRejected()) return new PreFilterOutcome(null, s.withPlugin(p.name()), Set.of(p.name()));
                return new PreFilterOutcome(null, Status.error("running PreFilter plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name()), Set.of());
            }
            if (!r.allNodes()) withNodes.add(p.name());
            result = PreFilterResult.merge(result, r.nodeNames());
            if (result != null && result.isEmpty()) {
                String msg = withNodes.size() == 1
                    ? "node(s) didn't satisfy plugin " + withNodes.iterator().next()
                    : "node(s) didn't satisfy plugin(s) " + withNodes.stream().sorted().toList().toString().replace(",", "") + " simultaneously";
                return new PreFilterOutcome(result, Status.unschedulable(msg), withNodes);
            }
        }
        state.write(PLAN, plan(state));
        return new PreFilterOutcome(result, Status.SUCCESS, withNodes);
    }

    private Plan plan(CycleState state) {
        Set<String> skipF = state.skipFilterPlugins();
        List<FilterPlugin> fs = new ArrayList<>(filter.size());
        for (FilterPlugin f : filter) if (!skipF.contains(f.name())) fs.add(f);
        Set<String> skipS = state.skipScorePlugins();
        List<ScorePlugin> ss = new ArrayList<>(score.size());
        List<Integer> ws = new ArrayList<>(score.size());
        for (int i = 0; i < score.size(); i++) {
            if (skipS.contains(score.get(i).name())) continue;
            ss.add(score.get(i));
            ws.add(scoreWeights.get(i));
        }
        int[] w = new int[ws.size()];
        for (int i = 0; i < w.length; i++) w[i] = ws.get(i);
        return new Plan(fs.toArray(FilterPlugin[]::new), ss.toArray(ScorePlugin[]::new), w);
    }

    private Plan currentPlan(CycleState state) {
        Plan p = state.read(PLAN);
        if (p == null) {
            p = plan(state);
            state.write(PLAN, p);
        }
        return p;
    }

    /** Runs the Filter plugins (minus those skipped at PreFilter) until one rejects the node. */
    public Status runFilterPlugins(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        for (FilterPlugin p : currentPlan(state).filters) {
            Status s;
            try {
                s = p.filter(state, pod, nodeInfo);
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (s == null || s.isSuccess()) continue;
            if (!s.isRejected()) return Status.error("running \"" + p.name() + "\" filter plugin: " + s.message()).withPlugin(p.name());
            return s.withPlugin(p.name());
        }
        return Status.SUCCESS;
    }

    @Override
    public Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        List<PodInfo> nominated = nodeInfo.node() == null ? List.of() : ctx.nominator().nominatedPodsForNode(nodeInfo.name());
        if (nominated.isEmpty()) return runFilterPlugins(state, pod, nodeInfo);
        NodeInfo withNominated = null;
        CycleState stateWith = null;
        for (PodInfo p : nominated) {
            if (p.uid().equals(pod.uid()) || p.priority() < pod.priority()) continue;
            if (withNominated == null) {
                withNominated = nodeInfo.snapshotClone();
                stateWith = state.copy();
            }
            withNominated.addPod(p);
            Status s = runPreFilterExtensionAddPod(stateWith, pod, p, withNominated);
            if (!s.isSuccess()) return s;
        }
        if (withNominated == null) return runFilterPlugins(state, pod, nodeInfo);
        Status s = runFilterPlugins(stateWith, pod, withNominated);
        if (!s.isSuccess()) return s;
        return runFilterPlugins(state, pod, nodeInfo);
    }

    @Override
    public Status runPreFilterExtensionAddPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
        for (PreFilterPlugin p : preFilter) {
            PreFilterExtensions ext = p.preFilterExtensions();
            if (ext == null || state.skipFilterPlugins().contains(p.name())) continue;
            Status s;
            try {
                s = Status.orSuccess(ext.addPod(state, podToSchedule, podToAdd, nodeInfo));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (!s.isSuccess()) return Status.error("running AddPod on PreFilter plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
        }
        return Status.SUCCESS;
    }

    @Override
    public Status runPreFilterExtensionRemovePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
        for (PreFilterPlugin p : preFilter) {
            PreFilterExtensions ext = p.preFilterExtensions();
            if (ext == null || state.skipFilterPlugins().contains(p.name())) continue;
            Status s;
            try {
                s = Status.orSuccess(ext.removePod(state, podToSchedule, podToRemove, nodeInfo));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (!s.isSuccess()) return Status.error("running RemovePod on PreFilter plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
        }
        return Status.SUCCESS;
    }

    // ---- PostFilter ----

    /** Runs PostFilter plugins until one succeeds; otherwise the joined rejection reasons. */
    public PostFilterResult runPostFilterPlugins(CycleState state, PodInfo pod, NodeToStatus statuses) {
        List<String> reasons = new ArrayList<>();
        String rejector = null;
        String nomination = null;
        for (PostFilterPlugin p : postFilter) {
            PostFilterResult r;
            try {
                r = p.postFilter(state, pod, statuses);
            } catch (RuntimeException e) {
                r = PostFilterResult.of(Status.error(e));
            }
            Status s = r.status();
            if (s.isSuccess()) return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
            if (s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE)
                return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
            if (!s.isRejected()) return new PostFilterResult(s.withPlugin(p.name()), r.nominatedNodeName());
            if (r.nominatedNodeName() != null) nomination = r.nominatedNodeName();
            reasons.addAll(s.reasons());
            rejector = p.name();
        }
        return new PostFilterResult(Status.of(Code.UNSCHEDULABLE, reasons).withPlugin(rejector), nomination);
    }

    // ---- PreScore / Score ----

    public Status runPreScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        for (PreScorePlugin p : preScore) {
            Status s;
            try {
                s = Status.orSuccess(p.preScore(state, pod, nodes));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (s.isSkip()) {
                state.skipScorePlugins().add(p.name());
                continue;
            }
            if (!s.isSuccess()) return Status.error("running PreScore plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
        }
        state.write(PLAN, plan(state));
        return Status.SUCCESS;
    }

    /** The outcome of scoring: weighted totals per node (index-aligned) or an error status. */
    public record ScoreOutcome(long[] totals, Map<String, long[]> byPlugin, Status status) {
    }

    /**
     * Runs Score in parallel over the nodes, then NormalizeScore per plugin, checks the [0, 100] range and sums the
     * weighted scores.
     */
    public ScoreOutcome runScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        Plan plan = currentPlan(state);
        int n = nodes.size();
        long[] totals = new long[n];
        ScorePlugin[] ps = plan.scores;
        if (ps.length == 0) return new ScoreOutcome(totals, Map.of(), Status.SUCCESS);
        long[][] scores = new long[ps.length][n];
        try {
            ctx.parallelizer().until(n, i -> {
                NodeInfo ni = nodes.get(i);
                for (int p = 0; p < ps.length; p++) scores[p][i] = ps[p].score(state, pod, ni);
            });
        } catch (RuntimeException e) {
            return new ScoreOutcome(null, null, Status.error(e));
        }
        Map<String, long[]> byPlugin = new LinkedHashMap<>();
        for (int p = 0; p < ps.length; p++) {
            ScoreExtensions ext = ps[p].scoreExtensions();
            if (ext != null) {
                Status s;
                try {
                    s = Status.orSuccess(ext.normalizeScore(state, pod, new NodeScores(nodes, scores[p])));
                } catch (RuntimeException e) {
                    s = Status.error(e);
                }
                if (!s.isSuccess())
                    return new ScoreOutcome(null, null, Status.error("running Normalize on Score plugin \"" + ps[p].name() + "\": " + s.message()).withPlugin(ps[p].name()));
            }
            int w = plan.weights[p];
            long[] sp = scores[p];
            for (int i = 0; i < n; i++) {
                long v = sp[i];
                if (v < Scores.MIN_NODE_SCORE || v > Scores.MAX_NODE_SCORE)
                    return new ScoreOutcome(null, null, Status.error("plugin \"" + ps[p].name() + "\" returns an invalid score " + v
                        + ", it should in the range of [0, 100] after normalizing").withPlugin(ps[p].name()));
                totals[i] += v * w;
            }
            byPlugin.put(ps[p].name(), sp);
        }
        return new ScoreOutcome(totals, byPlugin, Status.SUCCESS);
    }

    // ---- Reserve / Permit ----

    public Status runReservePluginsReserve(CycleState state, PodInfo pod, String nodeName) {
        for (ReservePlugin p : reserve) {
            Status s;
            try {
                s = Status.orSuccess(p.reserve(state, pod, nodeName));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (!s.isSuccess()) {
                if (s.isRejected()) return s.withPlugin(p.name());
                return Status.error("running Reserve plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Calls every Reserve plugin's unreserve, in reverse order; exceptions are swallowed. */
    public void runReservePluginsUnreserve(CycleState state, PodInfo pod, String nodeName) {
        for (int i = reserve.size() - 1; i >= 0; i--) {
            try {
                reserve.get(i).unreserve(state, pod, nodeName);
            } catch (RuntimeException ignored) {
                // unreserve must not fail
            }
        }
    }

    /**
     * Runs the Permit plugins: a rejection is returned at once; when some ask to wait the pod is parked and
     * {@link Code#WAIT} returned (then {@link #waitOnPermit} blocks the binding thread).
     */
    public Status runPermitPlugins(CycleState state, PodInfo pod, String nodeName) {
        Map<String, Duration> waits = new LinkedHashMap<>();
        for (PermitPlugin p : permit) {
            PermitResult r;
            try {
                r = p.permit(state, pod, nodeName);
                if (r == null) r = PermitResult.ALLOW;
            } catch (RuntimeException e) {
                r = PermitResult.reject(Status.error(e));
            }
            Status s = r.status();
            if (s.isSuccess()) continue;
            if (s.isRejected()) return s.withPlugin(p.name());
            if (s.isWait()) {
                Duration d = r.timeout() == null || r.timeout().compareTo(MAX_PERMIT_TIMEOUT) > 0 ? MAX_PERMIT_TIMEOUT : r.timeout();
                waits.put(p.name(), d);
                continue;
            }
            return Status.error("running Permit plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
        }
        if (!waits.isEmpty()) {
            ctx.waitingPods().add(pod.pod(), pod.uid(), nodeName, waits);
            return Status.of(Code.WAIT, "one or more plugins asked to wait and no plugin rejected pod \"" + pod.name() + "\"");
        }
        return Status.SUCCESS;
    }

    /** Blocks until a parked pod is allowed (Success) or rejected (Unschedulable with the plugin); Success if not parked. */
    public Status waitOnPermit(PodInfo pod) throws InterruptedException {
        return ctx.waitingPods().await(pod.uid());
    }

    // ---- binding ----

    public Status runPreBindPlugins(CycleState state, PodInfo pod, String nodeName) {
        for (PreBindPlugin p : preBind) {
            Status s;
            try {
                s = Status.orSuccess(p.preBind(state, pod, nodeName));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (s.isSkip()) continue;
            if (!s.isSuccess()) {
                if (s.isRejected()) return s.withPlugin(p.name());
                return Status.error("running PreBind plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Tries Bind plugins in order until one does not Skip; Skip when all skipped (or none). */
    public Status runBindPlugins(CycleState state, PodInfo pod, String nodeName) {
        for (BindPlugin p : bind) {
            Status s;
            try {
                s = Status.orSuccess(p.bind(state, pod, nodeName));
            } catch (RuntimeException e) {
                s = Status.error(e);
            }
            if (s.isSkip()) continue;
            if (!s.isSuccess()) {
                if (s.isRejected()) return s.withPlugin(p.name());
                return Status.error("running Bind plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
            }
            return s;
        }
        return Status.skip();
    }

    public void runPostBindPlugins(CycleState state, PodInfo pod, String nodeName) {
        for (PostBindPlugin p : postBind) {
            try {
                p.postBind(state, pod, nodeName);
            } catch (RuntimeException ignored) {
                // informational
            }
        }
    }
}
