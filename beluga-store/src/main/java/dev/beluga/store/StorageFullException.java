package dev.beluga.store;

/**
 * The write could not be made durable because the disk is full (or over its quota). Nothing of the write is visible;
 * writes succeed again once space returns.
 */
public final class StorageFullException extends StoreException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
