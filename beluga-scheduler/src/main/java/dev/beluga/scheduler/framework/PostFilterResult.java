package dev.beluga.scheduler.framework;

/**
 * What a PostFilter plugin returns: a status (Success when it made the pod schedulable later, e.g. by preemption)
 * and the nomination to record: {@code nominatedNodeName == null} leaves the pod's nomination alone, {@code ""}
 * clears it, a name sets it. Immutable.
 */
public record PostFilterResult(Status status, String nominatedNodeName) {
    public static PostFilterResult of(Status status) {
        return new PostFilterResult(status, null);
    }
}
