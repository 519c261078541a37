package dev.beluga.store;

/** A key or value is over the store's size limits; nothing was written. */
public final class RequestTooLargeException extends StoreException {
    public RequestTooLargeException(String message) {
        super(message);
    }
}
