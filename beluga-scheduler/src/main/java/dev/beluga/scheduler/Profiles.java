package dev.beluga.scheduler;

import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueueSortPlugin;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.runtime.Framework;
import dev.beluga.scheduler.queue.QueueProfiles;
import dev.beluga.scheduler.util.Pods;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's profiles by scheduler name (a pod picks one with {@code spec.schedulerName}, default
 * {@code default-scheduler}). All profiles must use the same QueueSort plugin, since they share one queue.
 * Immutable and thread-safe.
 */
public final class Profiles implements QueueProfiles {
    private final Map<String, Framework> byName;
    private final QueueSortPlugin queueSort;

    public Profiles(Iterable<Framework> frameworks) {
        Map<String, Framework> m = new LinkedHashMap<>();
        QueueSortPlugin qs = null;
        for (Framework f : frameworks) {
            if (m.put(f.profileName(), f) != null) throw new IllegalArgumentException("duplicate profile " + f.profileName());
            if (qs == null) qs = f.queueSortPlugin();
            else if (!qs.name().equals(f.queueSortPlugin().name()))
                throw new IllegalArgumentException("different queue sort plugins for profile " + f.profileName() + ": "
                    + f.queueSortPlugin().name() + ", first had " + qs.name());
        }
        if (m.isEmpty()) throw new IllegalArgumentException("at least one profile is required");
        this.byName = Map.copyOf(m);
        this.queueSort = qs;
    }

    /** The profile for a scheduler name, or null. */
    public Framework get(String schedulerName) {
        return byName.get(schedulerName);
    }

    /** The profile of a pod, or null when no profile has its scheduler name. */
    public Framework forPod(Pod pod) {
        return byName.get(Pods.schedulerName(pod));
    }

    /** Whether this scheduler is responsible for the pod. */
    public boolean handles(Pod pod) {
        return byName.containsKey(Pods.schedulerName(pod));
    }

    public Map<String, Framework> all() {
        return byName;
    }

    @Override
    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        return queueSort.less(a, b);
    }

    @Override
    public Status preEnqueue(PodInfo pod) {
        Framework f = forPod(pod.pod());
        return f == null ? Status.SUCCESS : f.runPreEnqueuePlugins(pod);
    }

    @Override
    public boolean isWorthRequeuing(PodInfo pod, Set<String> rejectors, ClusterEvent event, Object oldObj, Object newObj) {
        Framework f = forPod(pod.pod());
        return f == null || f.isWorthRequeuing(pod, rejectors, event, oldObj, newObj);
    }
}
