package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validating admission check on behalf of the requesting user (upstream's validating admission plugins, e.g.
 * NodeRestriction and RBAC's escalation checks): called by the generic store with the object as it would be stored,
 * after validation and before the store write (dry runs too), for creates and for updates of the main resource and
 * of subresources. Refuses by throwing a {@link dev.beluga.apiserver.StatusException} (usually 403 Forbidden).
 * Writes without a user ({@link WriteOptions#user()} null: the API server's own) are not checked.
 *
 * <p>Threading: called concurrently from request threads.
 */
@FunctionalInterface
public interface Admission {
    Admission NONE = (op, obj, old, w) -> { };

    enum Operation { CREATE, UPDATE }

    /** @param old the stored object an update replaces; null for a create */
    void admit(Operation op, ObjectNode obj, ObjectNode old, WriteOptions w);
}
