package dev.beluga.scheduler.queue;

import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.framework.Status;

/**
 * What the queue needs from the profiles: the queue order, the PreEnqueue plugins and the event registrations of the
 * plugins. Implementations must be thread-safe and fast; all methods are called under the queue lock.
 */
public interface QueueProfiles {
    /** True when {@code a} goes before {@code b} in the active queue. */
    boolean less(QueuedPodInfo a, QueuedPodInfo b);

    /** Runs the pod's profile's PreEnqueue plugins; a non-success status names the gating plugin. */
    Status preEnqueue(PodInfo pod);

    /**
     * Whether an event may make a pod rejected by {@code rejectors} (plugin names) schedulable, per those plugins'
     * registered events and hints.
     */
    boolean isWorthRequeuing(PodInfo pod, java.util.Set<String> rejectors, ClusterEvent event, Object oldObj, Object newObj);
}
