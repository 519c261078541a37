package dev.beluga.scheduler.algorithm;

import dev.beluga.scheduler.framework.Status;

/** A scheduling attempt failed for an internal reason (a plugin error): the pod is retried after a backoff. */
public final class SchedulingException extends Exception {
    private final transient Status status;

    public SchedulingException(Status status) {
        super(status.message(), status.error());
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
