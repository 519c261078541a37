package dev.beluga.scheduler.algorithm;

/** The cluster has no nodes (upstream {@code ErrNoNodesAvailable}). */
public final class NoNodesAvailableException extends Exception {
    public static final String MESSAGE = "no nodes available to schedule pods";

    public NoNodesAvailableException() {
        super(MESSAGE, null, false, false);
    }
}
