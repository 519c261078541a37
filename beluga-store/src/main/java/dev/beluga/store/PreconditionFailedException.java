package dev.beluga.store;

/**
 * A conditional write did not apply because its precondition was false; nothing changed.
 * {@link #reason()} says which precondition failed and {@link #current()} holds the key's current value (null when
 * the key does not exist).
 */
public final class PreconditionFailedException extends StoreException {
    public enum Reason {
        /** create-if-absent found the key present. */
        KEY_EXISTS,
        /** update or delete found no such key. */
        KEY_NOT_FOUND,
        /** update or delete expected another modRevision. */
        MOD_REVISION_MISMATCH
    }

    private final Reason reason;
    private final transient KeyValue current;

    public PreconditionFailedException(Reason reason, String key, KeyValue current, String detail) {
        super(switch (reason) {
            case KEY_EXISTS -> "key " + key + " already exists";
            case KEY_NOT_FOUND -> "key " + key + " not found";
            case MOD_REVISION_MISMATCH -> "key " + key + " was modified: " + detail;
        });
        this.reason = reason;
        this.current = current;
    }

    public Reason reason() {
        return reason;
    }

    public KeyValue current() {
        return current;
    }
}
