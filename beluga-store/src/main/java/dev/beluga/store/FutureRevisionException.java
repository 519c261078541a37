package dev.beluga.store;

/** A read asked for a revision the store has not reached yet. */
public final class FutureRevisionException extends StoreException {
    public FutureRevisionException(long requested, long current) {
        super("required revision " + requested + " is a future revision (current revision " + current + ")");
    }
}
