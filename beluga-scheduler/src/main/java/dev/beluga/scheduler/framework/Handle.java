package dev.beluga.scheduler.framework;

import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.listers.ClusterListers;

import java.time.Clock;
import java.util.function.Consumer;

/**
 * What a plugin may use from the scheduler (upstream {@code framework.Handle}), given to its factory. Thread-safe;
 * the {@link #snapshot()} contents are only valid during a scheduling cycle.
 */
public interface Handle {
    /** The profile's scheduler name. */
    String profileName();

    /** The nodes of the current scheduling cycle. */
    NodeInfoLister snapshot();

    /** API objects other than pods and nodes (namespaces, PVCs, PVs, storage classes, PDBs, priority classes, workloads). */
    ClusterListers listers();

    /** Outputs to the API server (binder, events, status writer, pod deleter). */
    SchedulerClients clients();

    PodNominator nominator();

    Parallelizer parallelizer();

    Clock clock();

    /** Runs all Filter plugins, considering higher-or-equal-priority pods nominated to the node (upstream semantics). */
    Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo nodeInfo);

    /** Runs every PreFilter plugin's {@link PreFilterExtensions#addPod}. */
    Status runPreFilterExtensionAddPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo);

    /** Runs every PreFilter plugin's {@link PreFilterExtensions#removePod}. */
    Status runPreFilterExtensionRemovePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo);

    /** The pod waiting at Permit with this UID, or null. */
    WaitingPod getWaitingPod(String uid);

    void iterateOverWaitingPods(Consumer<WaitingPod> action);
}
