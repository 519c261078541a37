package dev.beluga.scheduler.framework;

/**
 * A change in the cluster that may make pending pods schedulable: a resource and action bits (see
 * {@link ActionType}), plus a label for logs and metrics. Immutable.
 */
public record ClusterEvent(EventResource resource, int actionType, String label) {
    public static final ClusterEvent NODE_ADD = new ClusterEvent(EventResource.NODE, ActionType.ADD, "NodeAdd");
    public static final ClusterEvent NODE_DELETE = new ClusterEvent(EventResource.NODE, ActionType.DELETE, "NodeDelete");
    public static final ClusterEvent ASSIGNED_POD_ADD = new ClusterEvent(EventResource.ASSIGNED_POD, ActionType.ADD, "AssignedPodAdd");
    public static final ClusterEvent ASSIGNED_POD_DELETE = new ClusterEvent(EventResource.ASSIGNED_POD, ActionType.DELETE, "AssignedPodDelete");
    public static final ClusterEvent UNSCHEDULABLE_TIMEOUT = new ClusterEvent(EventResource.WILDCARD, ActionType.ALL, "UnschedulableTimeout");
    public static final ClusterEvent FORCE_ACTIVATE = new ClusterEvent(EventResource.WILDCARD, ActionType.ALL, "ForceActivate");

    public ClusterEvent(EventResource resource, int actionType) {
        this(resource, actionType, resource + "/" + actionType);
    }

    public boolean isWildcard() {
        return resource == EventResource.WILDCARD && actionType == ActionType.ALL;
    }

    /** Whether an incoming event is covered by this registered event. */
    public boolean matches(ClusterEvent incoming) {
        if (incoming.isWildcard()) return true;
        return (resource == EventResource.WILDCARD || resource == incoming.resource)
            && (actionType & incoming.actionType) != 0;
    }
}
