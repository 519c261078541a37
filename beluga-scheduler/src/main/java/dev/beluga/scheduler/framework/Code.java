package dev.beluga.scheduler.framework;

/** The outcome class of a plugin call, as upstream's {@code framework.Code}. */
public enum Code {
    /** The plugin ran and the pod may proceed. */
    SUCCESS("Success"),
    /** An internal error: the pod is retried after a backoff; not a reason users see as "unschedulable". */
    ERROR("Error"),
    /** The pod does not fit now; preemption may help. */
    UNSCHEDULABLE("Unschedulable"),
    /** The pod does not fit and preemption cannot help on this node. */
    UNSCHEDULABLE_AND_UNRESOLVABLE("UnschedulableAndUnresolvable"),
    /** Permit only: the pod waits (with a timeout) before binding. */
    WAIT("Wait"),
    /** PreFilter/PreScore/Bind: the plugin has nothing to do for this pod; its later points are skipped. */
    SKIP("Skip"),
    /** The pod waits for something outside the scheduler; retried on an event, as unschedulable. */
    PENDING("Pending");

    private final String upstreamName;

    Code(String upstreamName) {
        this.upstreamName = upstreamName;
    }

    public String upstreamName() {
        return upstreamName;
    }
}
