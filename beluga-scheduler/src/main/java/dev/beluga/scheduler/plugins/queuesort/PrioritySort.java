package dev.beluga.scheduler.plugins.queuesort;

import dev.beluga.scheduler.framework.QueueSortPlugin;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.plugins.Names;

/** Orders the active queue by priority (highest first), then by the time the pod entered the queue. */
public final class PrioritySort implements QueueSortPlugin {
    @Override
    public String name() {
        return Names.PRIORITY_SORT;
    }

    @Override
    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        int pa = a.podInfo().priority();
        int pb = b.podInfo().priority();
        return pa > pb || (pa == pb && a.timestamp < b.timestamp);
    }
}
