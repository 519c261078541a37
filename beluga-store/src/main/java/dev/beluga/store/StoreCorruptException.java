package dev.beluga.store;

/**
 * The data directory is not a usable Beluga store: foreign, corrupt, from a newer format, or in use by another
 * process. Raised at open; the directory is left exactly as it was.
 */
public final class StoreCorruptException extends StoreException {
    public StoreCorruptException(String message) {
        super(message);
    }

    public StoreCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
