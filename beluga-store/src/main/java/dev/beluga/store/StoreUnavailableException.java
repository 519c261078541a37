package dev.beluga.store;

/**
 * The store could not perform the operation now (I/O error, etcd unreachable or without quorum, timeout). For a
 * write, the outcome may be unknown when the cause is a timeout against etcd.
 */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
