package dev.beluga.store;

/**
 * Every failure a {@link KvStore} reports. The subclasses tell callers (the API server) which HTTP status to answer:
 * a precondition failure is a 404/409, a compacted revision a 410, a full disk or an unreachable etcd a 5xx.
 */
public abstract sealed class StoreException extends RuntimeException
    permits PreconditionFailedException, CompactedException, FutureRevisionException, RequestTooLargeException,
    StorageFullException, StoreUnavailableException, StoreClosedException, StoreCorruptException {

    protected StoreException(String message) {
        super(message);
    }

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
