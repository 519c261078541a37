package dev.beluga.scheduler.framework;

import java.util.HashSet;
import java.util.Set;

/**
 * A pod in the scheduling queue with its queueing bookkeeping (upstream {@code framework.QueuedPodInfo}).
 *
 * <p>Threading: owned by the queue and guarded by its lock while queued; owned by the scheduling thread (and then its
 * binding thread) between {@code pop} and the moment it is handed back to the queue.
 */
public final class QueuedPodInfo {
    private volatile PodInfo podInfo;
    /** When the pod was last added to the queue (epoch millis); orders equal priorities and drives timeouts. */
    public long timestamp;
    /** When the pod first entered the queue (epoch millis), for the end-to-end latency. */
    public long initialAttemptTimestamp;
    /** Scheduling attempts so far (incremented by pop). */
    public int attempts;
    /** Plugins that rejected the pod in its last attempt (empty after an error). */
    public Set<String> unschedulablePlugins = new HashSet<>();
    /** Plugins that returned Pending in the last attempt. */
    public Set<String> pendingPlugins = new HashSet<>();
    /** True while a PreEnqueue plugin keeps the pod out of the active queue. */
    public boolean gated;
    /** The PreEnqueue plugin that gated the pod, or null. */
    public String gatingPlugin;
    /** Insertion sequence, a final tie-breaker in heaps. */
    public long sequence;

    public QueuedPodInfo(PodInfo podInfo, long now) {
        this.podInfo = podInfo;
        this.timestamp = now;
        this.initialAttemptTimestamp = now;
    }

    public PodInfo podInfo() {
        return podInfo;
    }

    public void setPodInfo(PodInfo podInfo) {
        this.podInfo = podInfo;
    }

    public String uid() {
        return podInfo.uid();
    }

    @Override
    public String toString() {
        return "QueuedPodInfo{" + podInfo.key() + ", attempts=" + attempts + ", unschedulablePlugins=" + unschedulablePlugins + "}";
    }
}
