package dev.beluga.scheduler.plugins.defaultpreemption;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.scheduler.client.EventSink;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.FitErrorMessage;
import dev.beluga.scheduler.framework.Handle;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeToStatus;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PostFilterPlugin;
import dev.beluga.scheduler.framework.PostFilterResult;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.WaitingPod;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.util.Pods;
import dev.beluga.scheduler.util.Selectors;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Preemption (upstream DefaultPreemption, a PostFilter plugin): when no node fits, finds nodes where evicting
 * lower-priority pods ({@code spec.priority}) would let the pod fit, keeps as many of those pods as possible (first the
 * ones whose eviction would violate a PodDisruptionBudget, most important first), picks one node by upstream's
 * ordering ({@link CandidateSelector}), deletes the victims through the {@code PodDeleter} (rejecting any waiting at
 * Permit), clears the nomination of lower-priority pods nominated there, and nominates the pod to the node.
 *
 * <p>Pods with {@code preemptionPolicy: Never} do not preempt. Args: {@code minCandidateNodesPercentage} (10) and
 * {@code minCandidateNodesAbsolute} (100) bound how many nodes are dry-run.
 */
public final class DefaultPreemption implements PostFilterPlugin {
    private static final Logger log = LoggerFactory.getLogger(DefaultPreemption.class);
    public static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    public static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    private final Handle handle;
    private final int minCandidateNodesPercentage;
    private final int minCandidateNodesAbsolute;

    public DefaultPreemption(JsonNode args, Handle handle) {
        this.handle = handle;
        this.minCandidateNodesPercentage = args == null ? 10 : args.path("minCandidateNodesPercentage").asInt(10);
        this.minCandidateNodesAbsolute = args == null ? 100 : args.path("minCandidateNodesAbsolute").asInt(100);
        if (minCandidateNodesPercentage < 0 || minCandidateNodesPercentage > 100)
            throw new IllegalArgumentException("minCandidateNodesPercentage: must be in the range [0, 100]");
        if (minCandidateNodesAbsolute < 0) throw new IllegalArgumentException("minCandidateNodesAbsolute: must not be negative");
        if (minCandidateNodesPercentage == 0 && minCandidateNodesAbsolute == 0)
            throw new IllegalArgumentException("minCandidateNodesPercentage and minCandidateNodesAbsolute cannot both be zero");
    }

    @Override
    public String name() {
        return Names.DEFAULT_PREEMPTION;
    }

    @Override
    public PostFilterResult postFilter(CycleState state, PodInfo pod, NodeToStatus statuses) {
        PostFilterResult r = preempt(state, pod, statuses);
        String msg = r.status().message();
        if (!msg.isEmpty()) return new PostFilterResult(Status.of(r.status().code(), "preemption: " + msg), r.nominatedNodeName());
        return r;
    }

    PostFilterResult preempt(CycleState state, PodInfo pod, NodeToStatus statuses) {
        String notEligible = eligibleToPreemptOthers(pod, statuses);
        if (notEligible != null) return PostFilterResult.of(Status.unschedulable(notEligible));
        List<NodeInfo> all = handle.snapshot().list();
        List<NodeInfo> potential = statuses.nodesForStatusCode(handle.snapshot(), Code.UNSCHEDULABLE);
        NodeToStatus dryRunStatuses = new NodeToStatus();
        List<Candidate> candidates = List.of();
        if (!potential.isEmpty()) candidates = dryRun(state, pod, potential, dryRunStatuses);
        if (candidates.isEmpty()) {
            for (Status s : errorsOf(dryRunStatuses)) return PostFilterResult.of(s);
            dryRunStatuses.setAbsentNodesStatus(Status.unresolvable(NOT_HELPFUL));
            String message = FitErrorMessage.of(all.size(), null, dryRunStatuses, null);
            return new PostFilterResult(Status.unschedulable(message), "");
        }
        Candidate best = CandidateSelector.pick(candidates);
        Status prepared = prepareCandidate(best, pod);
        if (!prepared.isSuccess()) return PostFilterResult.of(prepared);
        return new PostFilterResult(Status.SUCCESS, best.nodeName());
    }

    private static List<Status> errorsOf(NodeToStatus statuses) {
        List<Status> errs = new ArrayList<>();
        statuses.forEachExplicit((n, s) -> {
            if (s.code() == Code.ERROR) errs.add(s);
        });
        return errs;
    }

    /** Null when the pod may preempt, else why not (upstream {@code PodEligibleToPreemptOthers}). */
    String eligibleToPreemptOthers(PodInfo pod, NodeToStatus statuses) {
        var spec = pod.pod().getSpec();
        if (spec != null && "Never".equals(spec.getPreemptionPolicy())) return "not eligible due to preemptionPolicy=Never.";
        String nominated = Pods.nominatedNodeName(pod.pod());
        if (nominated == null) nominated = handle.nominator().nominatedNodeFor(pod.uid());
        if (nominated != null) {
            if (statuses.get(nominated).code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) return null;
            NodeInfo ni = handle.snapshot().get(nominated);
            if (ni != null)
                for (PodInfo p : ni.pods())
                    if (p.priority() < pod.priority() && p.isTerminating()) return "not eligible due to a terminating pod on the nominated node.";
        }
        return null;
    }

    int numCandidates(int numNodes) {
        int n = numNodes * minCandidateNodesPercentage / 100;
        if (n < minCandidateNodesAbsolute) n = minCandidateNodesAbsolute;
        return Math.min(n, numNodes);
    }

    private List<Candidate> dryRun(CycleState state, PodInfo pod, List<NodeInfo> potential, NodeToStatus statuses) {
        List<PodDisruptionBudget> pdbs = handle.listers().pdbs().list();
        int n = potential.size();
        int offset = ThreadLocalRandom.current().nextInt(n);
        int wanted = numCandidates(n);
        List<Candidate> nonViolating = Collections.synchronizedList(new ArrayList<>());
        List<Candidate> violating = Collections.synchronizedList(new ArrayList<>());
        Status[] nodeStatuses = new Status[n];
        String[] names = new String[n];
        handle.parallelizer().until(n, i -> {
            NodeInfo ni = potential.get((offset + i) % n).snapshotClone();
            CycleState copy = state.copy();
            Victims v = selectVictimsOnNode(copy, pod, ni, pdbs);
            if (v.status.isSuccess() && !v.pods.isEmpty()) {
                Candidate c = new Candidate(ni.name(), v.pods, v.numViolating);
                if (v.numViolating == 0) nonViolating.add(c);
                else violating.add(c);
                return;
            }
            Status s = v.status.isSuccess() ? Status.error("expected at least one victim pod on node \"" + ni.name() + "\"") : v.status;
            nodeStatuses[i] = s;
            names[i] = ni.name();
        }, () -> !nonViolating.isEmpty() && nonViolating.size() + violating.size() >= wanted);
        for (int i = 0; i < n; i++) if (nodeStatuses[i] != null) statuses.set(names[i], nodeStatuses[i]);
        List<Candidate> out = new ArrayList<>(nonViolating);
        out.addAll(violating);
        return out;
    }

    private record Victims(List<PodInfo> pods, int numViolating, Status status) {
    }

    /** Upstream {@code SelectVictimsOnNode} on a cloned node and state. */
    private Victims selectVictimsOnNode(CycleState state, PodInfo pod, NodeInfo ni, List<PodDisruptionBudget> pdbs) {
        List<PodInfo> potential = new ArrayList<>();
        for (PodInfo p : new ArrayList<>(ni.pods())) {
            if (p.priority() >= pod.priority()) continue;
            potential.add(p);
            ni.removePod(p);
            Status s = handle.runPreFilterExtensionRemovePod(state, pod, p, ni);
            if (!s.isSuccess()) return new Victims(List.of(), 0, s);
        }
        if (potential.isEmpty()) return new Victims(List.of(), 0, Status.unresolvable(NO_VICTIMS));
        Status fits = handle.runFilterPluginsWithNominatedPods(state, pod, ni);
        if (!fits.isSuccess()) return new Victims(List.of(), 0, fits);
        potential.sort(CandidateSelector.MORE_IMPORTANT);
        List<PodInfo> violatingPods = new ArrayList<>();
        List<PodInfo> nonViolatingPods = new ArrayList<>();
        splitByPdbViolation(potential, pdbs, violatingPods, nonViolatingPods);
        List<PodInfo> victims = new ArrayList<>();
        int numViolating = 0;
        for (PodInfo p : violatingPods) {
            Boolean fitsAgain = reprieve(state, pod, ni, p, victims);
            if (fitsAgain == null) return new Victims(List.of(), 0, Status.error("reprieving pod " + p.key()));
            if (!fitsAgain) numViolating++;
        }
        for (PodInfo p : nonViolatingPods)
            if (reprieve(state, pod, ni, p, victims) == null) return new Victims(List.of(), 0, Status.error("reprieving pod " + p.key()));
        if (!violatingPods.isEmpty() && !nonViolatingPods.isEmpty()) victims.sort(CandidateSelector.MORE_IMPORTANT);
        return new Victims(victims, numViolating, Status.SUCCESS);
    }

    /** Puts a pod back; if the preemptor no longer fits, removes it again as a victim. Null on an internal error. */
    private Boolean reprieve(CycleState state, PodInfo pod, NodeInfo ni, PodInfo p, List<PodInfo> victims) {
        ni.addPod(p);
        if (!handle.runPreFilterExtensionAddPod(state, pod, p, ni).isSuccess()) return null;
        boolean fits = handle.runFilterPluginsWithNominatedPods(state, pod, ni).isSuccess();
        if (!fits) {
            ni.removePod(p);
            if (!handle.runPreFilterExtensionRemovePod(state, pod, p, ni).isSuccess()) return null;
            victims.add(p);
        }
        return fits;
    }

    /** Splits pods into those whose eviction would violate a PDB and the others (upstream {@code filterPodsWithPDBViolation}). */
    static void splitByPdbViolation(List<PodInfo> pods, List<PodDisruptionBudget> pdbs, List<PodInfo> violating, List<PodInfo> nonViolating) {
        int[] allowed = new int[pdbs.size()];
        LabelSelector[] selectors = new LabelSelector[pdbs.size()];
        for (int i = 0; i < pdbs.size(); i++) {
            PodDisruptionBudget pdb = pdbs.get(i);
            allowed[i] = pdb.getStatus() == null || pdb.getStatus().getDisruptionsAllowed() == null ? 0 : pdb.getStatus().getDisruptionsAllowed();
            try {
                selectors[i] = Selectors.of(pdb.getSpec() == null ? null : pdb.getSpec().getSelector());
            } catch (RuntimeException e) {
                selectors[i] = LabelSelector.NOTHING;
            }
        }
        for (PodInfo p : pods) {
            boolean violated = false;
            if (!p.labels().isEmpty()) {
                for (int i = 0; i < pdbs.size(); i++) {
                    PodDisruptionBudget pdb = pdbs.get(i);
                    String ns = pdb.getMetadata().getNamespace() == null ? "default" : pdb.getMetadata().getNamespace();
                    if (!ns.equals(p.namespace())) continue;
                    if (selectors[i].isEmpty() || !selectors[i].matches(p.labels())) continue;
                    Map<String, String> disrupted = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptedPods();
                    if (disrupted != null && disrupted.containsKey(p.name())) continue;
                    allowed[i]--;
                    if (allowed[i] < 0) violated = true;
                }
            }
            (violated ? violating : nonViolating).add(p);
        }
    }

    /** Deletes the victims (or rejects them at Permit) and clears lower-priority nominations on the node. */
    private Status prepareCandidate(Candidate c, PodInfo pod) {
        for (PodInfo v : c.victims()) {
            WaitingPod w = handle.getWaitingPod(v.uid());
            if (w != null) {
                w.reject(name(), "preempted");
            } else {
                try {
                    handle.clients().podDeleter().deleteVictim(v.pod(), pod.pod(), c.nodeName());
                } catch (Exception e) {
                    if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                    log.warn("preemption: deleting victim {} failed: {}", v.key(), e.toString());
                    return Status.error(e);
                }
            }
            handle.clients().events().event(v.pod(), pod.pod(), EventSink.NORMAL, "Preempted", "Preempting",
                "Preempted by pod " + pod.uid() + " on node " + c.nodeName());
        }
        for (PodInfo p : handle.nominator().nominatedPodsForNode(c.nodeName())) {
            if (p.priority() >= pod.priority() || p.uid().equals(pod.uid())) continue;
            handle.nominator().deleteNominatedPodIfExists(p.uid());
            handle.clients().statusWriter().updateStatus(p.pod(), null, "");
        }
        return Status.SUCCESS;
    }
}
