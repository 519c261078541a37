package dev.beluga.scheduler.framework;

import java.util.List;

/**
 * Tells the queue which cluster events may make a pod rejected by this plugin schedulable again. A plugin that can
 * reject pods but does not implement this interface is retried on every event (upstream behaviour).
 */
public interface EnqueueExtensions {
    List<ClusterEventWithHint> eventsToRegister();
}
