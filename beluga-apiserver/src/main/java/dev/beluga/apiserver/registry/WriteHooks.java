package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a resource needs done around its writes beyond the store write itself — e.g. Services, whose cluster IPs and
 * node ports are reserved in records of their own (upstream's {@code BeginCreate}/{@code BeginUpdate}/
 * {@code AfterDelete} of the generic registry).
 *
 * <p>The generic store calls {@link #beforeCreate} / {@link #beforeUpdate} after the object was prepared and
 * validated and just before the store write (also for dry runs, which must reserve nothing), then
 * {@link Completion#finish} once with the write's outcome; {@link #afterDelete} after an object really left the store
 * (not when it is only marked for deletion). Updates of subresources (status, ...) do not call the hooks.
 *
 * <p>Threading: called concurrently from request threads; implementations must be thread-safe.
 */
public interface WriteHooks {
    WriteHooks NONE = new WriteHooks() {
    };

    /** How the store write after a {@code before*} call ended. */
    enum Outcome {
        /** The object was written. */
        STORED,
        /** It was certainly not written (conflict, already exists, refused). */
        NOT_STORED,
        /** The store failed in a way that leaves it unknown whether the write happened. */
        UNKNOWN
    }

    /** Told the outcome of the write its {@code before*} call preceded; called exactly once. */
    @FunctionalInterface
    interface Completion {
        Completion NOTHING = outcome -> { };

        void finish(Outcome outcome);
    }

    /**
     * Before {@code obj} is created: may fill in fields (it is what gets stored) or throw a
     * {@link dev.beluga.apiserver.StatusException} to refuse the create, having undone its own effects.
     */
    default Completion beforeCreate(ObjectNode obj, boolean dryRun) {
        return Completion.NOTHING;
    }

    /** Before {@code old} is replaced by {@code obj}; as {@link #beforeCreate}. */
    default Completion beforeUpdate(ObjectNode obj, ObjectNode old, boolean dryRun) {
        return Completion.NOTHING;
    }

    /** After {@code obj} (as it was last stored) was removed from the store. Must not throw. */
    default void afterDelete(ObjectNode obj) {
    }
}
