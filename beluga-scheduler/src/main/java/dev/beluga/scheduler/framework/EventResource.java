package dev.beluga.scheduler.framework;

/** The kind of object a {@link ClusterEvent} is about. */
public enum EventResource {
    /** A pod bound to a node (what the cache holds). */
    ASSIGNED_POD,
    /** A pod waiting to be scheduled (the pod itself was updated). */
    UNSCHEDULED_POD,
    NODE,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    STORAGE_CLASS,
    CSI_NODE,
    NAMESPACE,
    SERVICE,
    /** Matches every resource (timeouts, forced moves). */
    WILDCARD
}
