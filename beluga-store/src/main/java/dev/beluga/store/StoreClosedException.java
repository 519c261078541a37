package dev.beluga.store;

/** The store was closed. */
public final class StoreClosedException extends StoreException {
    public StoreClosedException() {
        super("store is closed");
    }
}
