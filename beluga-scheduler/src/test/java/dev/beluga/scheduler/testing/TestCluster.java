package dev.beluga.scheduler.testing;

import dev.beluga.scheduler.algorithm.FitError;
import dev.beluga.scheduler.algorithm.NoNodesAvailableException;
import dev.beluga.scheduler.algorithm.ScheduleResult;
import dev.beluga.scheduler.algorithm.SchedulingAlgorithm;
import dev.beluga.scheduler.algorithm.SchedulingException;
import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.config.ProfileConfig;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeToStatus;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PostFilterResult;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.runtime.Framework;
import dev.beluga.scheduler.framework.runtime.FrameworkContext;
import dev.beluga.scheduler.framework.runtime.FrameworkFactory;
import dev.beluga.scheduler.framework.runtime.WaitingPods;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.plugins.InTreeRegistry;
import dev.beluga.scheduler.queue.Nominator;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A scheduler without the loop: a cache fed with nodes and bound pods, a snapshot, one profile built by
 * {@link FrameworkFactory} from the in-tree registry, and recording clients. Single-threaded (parallelism 1).
 */
public final class TestCluster implements AutoCloseable {
    public final FakeClock clock = new FakeClock();
    public final SchedulerCache cache = new SchedulerCache(clock, Duration.ZERO);
    public final Snapshot snapshot = new Snapshot();
    public final Nominator nominator = new Nominator();
    public final Parallelizer parallelizer = new Parallelizer(1);
    public final WaitingPods waitingPods = new WaitingPods();
    /** Victims deleted by preemption, as {@code victim -> preemptor@node}. */
    public final List<String> deletedVictims = Collections.synchronizedList(new ArrayList<>());
    /** Status updates: {@code pod nominated=<node>}. */
    public final List<String> statusUpdates = Collections.synchronizedList(new ArrayList<>());
    public final List<PodDisruptionBudget> pdbs = new ArrayList<>();
    private ClusterListers listers = ClusterListers.empty().withPdbs(() -> List.copyOf(pdbs));
    private ProfileConfig profile = ProfileConfig.defaultProfile();
    private Framework framework;
    private SchedulingAlgorithm algorithm;

    public TestCluster profile(ProfileConfig p) {
        this.profile = p;
        this.framework = null;
        return this;
    }

    public TestCluster listers(ClusterListers l) {
        this.listers = l;
        this.framework = null;
        return this;
    }

    public TestCluster nodes(Node... nodes) {
        for (Node n : nodes) cache.addNode(n);
        return this;
    }

    /** Adds bound pods (they must have {@code spec.nodeName}). */
    public TestCluster pods(Pod... pods) {
        for (Pod p : pods) cache.addPod(PodInfo.of(p));
        return this;
    }

    public Framework framework() {
        if (framework == null) {
            SchedulerClients clients = SchedulerClients.noop()
                .withPodDeleter((victim, preemptor, node) -> deletedVictims.add(victim.getMetadata().getName()))
                .withStatusWriter((pod, cond, nnn) -> statusUpdates.add(pod.getMetadata().getName() + " nominated=" + nnn));
            FrameworkContext ctx = new FrameworkContext(snapshot, listers, clients, nominator, parallelizer, clock, waitingPods);
            framework = FrameworkFactory.create(profile, InTreeRegistry.create(), ctx);
            algorithm = null;
        }
        return framework;
    }

    public SchedulingAlgorithm algorithm() {
        framework();
        if (algorithm == null) algorithm = new SchedulingAlgorithm(cache, snapshot, parallelizer, nominator, null, new Random(1));
        return algorithm;
    }

    /** Brings the snapshot up to date with the cache. */
    public TestCluster refresh() {
        cache.updateSnapshot(snapshot);
        return this;
    }

    public ScheduleResult schedule(Pod pod) throws FitError, NoNodesAvailableException, SchedulingException {
        return algorithm().schedulePod(framework(), new CycleState(), PodInfo.of(pod));
    }

    /**
     * Schedules the pod as the Scheduler does; on a FitError runs PostFilter (preemption) and returns the FitError
     * message including the PostFilter message. Returns null when the pod fits.
     */
    public String failureMessage(Pod pod) throws Exception {
        CycleState state = new CycleState();
        PodInfo pi = PodInfo.of(pod);
        try {
            algorithm().schedulePod(framework(), state, pi);
            return null;
        } catch (FitError fe) {
            if (framework().hasPostFilterPlugins()) {
                PostFilterResult pf = framework().runPostFilterPlugins(state, pi, fe.diagnosis().nodeToStatus);
                fe.diagnosis().postFilterMsg = pf.status().message();
            }
            return fe.getMessage();
        }
    }

    /** The result of running PreFilter and Filter on every node, then PostFilter (preemption). */
    public record PreemptionRun(NodeToStatus filterStatuses, PostFilterResult result) {
    }

    public PreemptionRun preempt(Pod pod) {
        refresh();
        Framework f = framework();
        CycleState state = new CycleState();
        PodInfo pi = PodInfo.of(pod);
        NodeToStatus statuses = new NodeToStatus();
        Framework.PreFilterOutcome pre = f.runPreFilterPlugins(state, pi, snapshot.list());
        if (!pre.status().isSuccess()) {
            statuses.setAbsentNodesStatus(pre.status());
        } else {
            for (NodeInfo ni : snapshot.list()) {
                Status s = f.runFilterPluginsWithNominatedPods(state, pi, ni);
                if (!s.isSuccess()) statuses.set(ni.name(), s);
            }
        }
        return new PreemptionRun(statuses, f.runPostFilterPlugins(state, pi, statuses));
    }

    @Override
    public void close() {
        parallelizer.close();
        waitingPods.close();
    }
}
