package dev.beluga.scheduler.framework;

/** A plugin's verdict on whether an event may make a pod it rejected schedulable. */
public enum QueueingHint {
    /** Retry the pod (after its backoff). */
    QUEUE,
    /** The event does not help this pod. */
    QUEUE_SKIP
}
