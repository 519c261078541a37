package dev.beluga.api.labels;

/**
 * A label or field selector that does not parse or validate. The message is worded as upstream Kubernetes words it
 * (for example {@code unable to parse requirement: found '(', expected: ',' or ')'}), so that it can be returned to
 * clients unchanged in a 400 Bad Request.
 */
public final class InvalidSelectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidSelectorException(String message) {
        super(message);
    }
}
