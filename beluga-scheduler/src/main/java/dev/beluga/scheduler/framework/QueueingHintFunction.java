package dev.beluga.scheduler.framework;

/**
 * Decides, for one pending pod and one event, whether to retry the pod. {@code oldObj}/{@code newObj} are the fabric8
 * objects of the event (null for adds/deletes respectively). Called under the queue lock: must be fast.
 */
@FunctionalInterface
public interface QueueingHintFunction {
    QueueingHint hint(PodInfo pod, Object oldObj, Object newObj);
}
