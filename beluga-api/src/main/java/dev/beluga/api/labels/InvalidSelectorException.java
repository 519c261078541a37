package dev.beluga.api.labels;

/** A label or field selector that does not parse; the message says where and why, as upstream's does. */
public final class InvalidSelectorException extends RuntimeException {
    public InvalidSelectorException(String message) {
        super(message);
    }
}
