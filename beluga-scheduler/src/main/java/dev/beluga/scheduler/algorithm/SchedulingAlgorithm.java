package dev.beluga.scheduler.algorithm;

import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PodNominator;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.runtime.Framework;
import dev.beluga.scheduler.util.Pods;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Picks a node for one pod (upstream {@code schedulePod}): refreshes the snapshot, runs PreFilter, evaluates the
 * nominated node first if the pod has one, then filters nodes in parallel starting where the previous cycle stopped
 * until enough feasible nodes are found ({@link #numFeasibleNodesToFind}), scores them and picks the best (random
 * among equal scores).
 *
 * <p>Threading: used by the scheduling thread only (it owns the snapshot and the rotating start index).
 */
public final class SchedulingAlgorithm {
    /** Below this many nodes all are evaluated; it is also the minimum number evaluated. */
    public static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    /** The adaptive percentage never goes below this. */
    public static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

    private final SchedulerCache cache;
    private final Snapshot snapshot;
    private final Parallelizer parallelizer;
    private final PodNominator nominator;
    private final Integer percentageOfNodesToScore;
    private final Random random;
    private int nextStartNodeIndex;

    public SchedulingAlgorithm(SchedulerCache cache, Snapshot snapshot, Parallelizer parallelizer, PodNominator nominator,
                               Integer percentageOfNodesToScore, Random random) {
        this.cache = cache;
        this.snapshot = snapshot;
        this.parallelizer = parallelizer;
        this.nominator = nominator;
        this.percentageOfNodesToScore = percentageOfNodesToScore;
        this.random = random;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Schedules the pod on the current cluster state.
     *
     * @throws FitError                 no node fits (the diagnosis says why)
     * @throws NoNodesAvailableException the cluster has no nodes
     * @throws SchedulingException      a plugin failed with an error
     */
    public ScheduleResult schedulePod(Framework fwk, CycleState state, PodInfo pod)
        throws FitError, NoNodesAvailableException, SchedulingException {
        cache.updateSnapshot(snapshot);
        if (snapshot.numNodes() == 0) throw new NoNodesAvailableException();
        Diagnosis diagnosis = new Diagnosis();
        List<NodeInfo> feasible = findNodesThatFitPod(fwk, state, pod, diagnosis);
        if (feasible.isEmpty()) throw new FitError(pod, snapshot.numNodes(), diagnosis);
        if (feasible.size() == 1) return new ScheduleResult(feasible.get(0).name(), 1 + diagnosis.nodeToStatus.size(), 1);
        long[] scores = prioritizeNodes(fwk, state, pod, feasible);
        String host = selectHost(feasible, scores);
        return new ScheduleResult(host, feasible.size() + diagnosis.nodeToStatus.size(), feasible.size());
    }

    List<NodeInfo> findNodesThatFitPod(Framework fwk, CycleState state, PodInfo pod, Diagnosis diagnosis) throws SchedulingException {
        List<NodeInfo> allNodes = snapshot.list();
        Framework.PreFilterOutcome pre = fwk.runPreFilterPlugins(state, pod, allNodes);
        Status s = pre.status();
        if (!s.isSuccess()) {
            if (!s.isRejected()) throw new SchedulingException(s);
            diagnosis.nodeToStatus.setAbsentNodesStatus(s);
            diagnosis.preFilterMsg = s.message();
            diagnosis.unschedulablePlugins.addAll(pre.plugins());
            if (s.plugin() != null) diagnosis.addPluginStatus(s);
            return List.of();
        }
        String nominated = Pods.nominatedNodeName(pod.pod());
        if (nominated == null) nominated = nominator.nominatedNodeFor(pod.uid());
        if (nominated != null) {
            NodeInfo ni = snapshot.get(nominated);
            if (ni != null) {
                List<NodeInfo> f = findNodesThatPassFilters(fwk, state, pod, diagnosis, List.of(ni), false);
                if (!f.isEmpty()) return f;
            }
        }
        List<NodeInfo> nodes = allNodes;
        if (pre.nodeNames() != null) {
            nodes = new ArrayList<>(pre.nodeNames().size());
            for (String name : pre.nodeNames()) {
                NodeInfo ni = snapshot.get(name);
                if (ni != null) nodes.add(ni);
            }
            diagnosis.nodeToStatus.setAbsentNodesStatus(Status.unresolvable(
                "node(s) didn't satisfy plugin(s) " + pre.plugins().stream().sorted().toList().toString().replace(",", "")));
        }
        List<NodeInfo> feasible = findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes, true);
        int processed = feasible.size() + diagnosis.nodeToStatus.size();
        if (!allNodes.isEmpty()) nextStartNodeIndex = (nextStartNodeIndex + processed) % allNodes.size();
        return feasible;
    }

    private List<NodeInfo> findNodesThatPassFilters(Framework fwk, CycleState state, PodInfo pod, Diagnosis diagnosis,
                                                    List<NodeInfo> nodes, boolean rotate) throws SchedulingException {
        int n = nodes.size();
        if (n == 0) return List.of();
        int toFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore(), n);
        int start = rotate ? nextStartNodeIndex % n : 0;
        if (!fwk.hasFilterPlugins()) {
            List<NodeInfo> out = new ArrayList<>(toFind);
            for (int i = 0; i < toFind; i++) out.add(nodes.get((start + i) % n));
            return out;
        }
        NodeInfo[] feasible = new NodeInfo[toFind];
        AtomicInteger count = new AtomicInteger();
        Status[] statuses = new Status[n];
        AtomicReference<Status> error = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        parallelizer.until(n, i -> {
            NodeInfo ni = nodes.get((start + i) % n);
            Status st = fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
            if (st.isSuccess()) {
                int len = count.incrementAndGet();
                if (len > toFind) {
                    count.decrementAndGet();
                    stop.set(true);
                } else {
                    feasible[len - 1] = ni;
                    if (len == toFind) stop.set(true);
                }
            } else if (st.code() == Code.ERROR) {
                error.compareAndSet(null, st);
                stop.set(true);
            } else {
                statuses[i] = st;
            }
        }, stop::get);
        if (error.get() != null) throw new SchedulingException(error.get());
        for (int i = 0; i < n; i++) {
            Status st = statuses[i];
            if (st == null) continue;
            diagnosis.nodeToStatus.set(nodes.get((start + i) % n).name(), st);
            diagnosis.addPluginStatus(st);
        }
        int c = count.get();
        return c == toFind ? Arrays.asList(feasible) : Arrays.asList(Arrays.copyOf(feasible, c));
    }

    /**
     * How many feasible nodes to look for (upstream {@code numFeasibleNodesToFind}): all below 100 nodes; otherwise
     * the configured percentage, or adaptively {@code 50 − nodes/125} percent (at least 5%), and never fewer than 100.
     */
    public int numFeasibleNodesToFind(Integer profilePercentage, int numAllNodes) {
        if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
        int pct = profilePercentage != null ? profilePercentage : percentageOfNodesToScore != null ? percentageOfNodesToScore : 0;
        if (pct == 0) {
            pct = 50 - numAllNodes / 125;
            if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
        }
        int num = (int) ((long) numAllNodes * pct / 100);
        if (num < MIN_FEASIBLE_NODES_TO_FIND) return MIN_FEASIBLE_NODES_TO_FIND;
        return num;
    }

    private long[] prioritizeNodes(Framework fwk, CycleState state, PodInfo pod, List<NodeInfo> nodes) throws SchedulingException {
        if (!fwk.hasScorePlugins()) {
            long[] ones = new long[nodes.size()];
            Arrays.fill(ones, 1);
            return ones;
        }
        Status s = fwk.runPreScorePlugins(state, pod, nodes);
        if (!s.isSuccess()) throw new SchedulingException(s);
        Framework.ScoreOutcome out = fwk.runScorePlugins(state, pod, nodes);
        if (!out.status().isSuccess()) throw new SchedulingException(out.status());
        return out.totals();
    }

    /** The node with the highest total; among equals, each is equally likely (reservoir sampling). */
    String selectHost(List<NodeInfo> nodes, long[] scores) {
        int selected = 0;
        long max = scores[0];
        int ties = 1;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > max) {
                max = scores[i];
                selected = i;
                ties = 1;
            } else if (scores[i] == max) {
                ties++;
                if (random.nextInt(ties) == 0) selected = i;
            }
        }
        return nodes.get(selected).name();
    }
}
