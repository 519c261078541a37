package dev.beluga.agent.join;

/** Joining the cluster failed; the message says why in words for the person running the agent (never with the secret). */
public final class JoinException extends Exception {
    /** The HTTP status the server answered with, or 0 when the failure was not an HTTP answer. */
    private final int httpStatus;

    public JoinException(String message) {
        this(message, 0, null);
    }

    public JoinException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    JoinException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
