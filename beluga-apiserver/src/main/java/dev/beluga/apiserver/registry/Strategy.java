package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.table.TableColumns;

import java.util.Map;

/**
 * What is particular to one resource (the apiserver's registry strategies, in one interface): defaulting,
 * validation, which fields field selectors can use, and how {@code kubectl get} prints it.
 *
 * <p>The generic store calls, on create: {@link #prepareForCreate} → {@link #validate}; on update:
 * {@link #prepareForUpdate} → {@link #validate} → {@link #validateUpdate}. Implementations are stateless and
 * thread-safe; they mutate only the objects passed in.
 */
public interface Strategy {

    /** Sets defaults and clears what a client may not set on create (e.g. status). */
    default void prepareForCreate(ObjectNode obj) {
    }

    /**
     * {@link #prepareForCreate(ObjectNode)} knowing who asks ({@code user} is null for the server's own writes), for
     * kinds that record the requester (a CertificateSigningRequest's {@code spec.username}). Default: ignores the user.
     */
    default void prepareForCreate(ObjectNode obj, dev.beluga.apiserver.auth.UserInfo user) {
        prepareForCreate(obj);
    }

    /**
     * Carries over from {@code old} what an update of the main resource may not change (e.g. status when the
     * resource has a status subresource), before validation.
     */
    default void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    }

    /** Errors in the object itself (names and metadata are checked by the generic store). */
    default void validate(ObjectNode obj, FieldErrors errors) {
    }

    /** Errors in the change from {@code old} to {@code obj} (immutable fields). */
    default void validateUpdate(ObjectNode obj, ObjectNode old, FieldErrors errors) {
    }

    /**
     * {@link #validateUpdate(ObjectNode, ObjectNode, FieldErrors)} knowing the subresource written through (null for
     * the main resource, "status", "approval", ...), for kinds whose subresources may change different things.
     * Default: the subresource does not matter.
     */
    default void validateUpdate(ObjectNode obj, ObjectNode old, String subresource, FieldErrors errors) {
        validateUpdate(obj, old, errors);
    }

    /**
     * Prepares an update through {@code subresource} ("status", or a subresource of the kind's own such as
     * certificatesigningrequests' "approval"): {@code result} starts as the stored object {@code old} with, for
     * "status", the requested status; the strategy changes it to what may be stored from {@code requested}. Called
     * before validation. Default: nothing more (status replaces status; other subresources change nothing).
     */
    default void prepareForSubresourceUpdate(String subresource, ObjectNode result, ObjectNode requested, ObjectNode old) {
    }

    /** Fields field selectors may use beyond metadata.name/namespace, with their values in {@code obj}. */
    default Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of();
    }

    /** The names of {@link #selectableFields}, to refuse selectors on other fields with 400 as upstream does. */
    default java.util.Set<String> selectableFieldNames() {
        return java.util.Set.of();
    }

    /**
     * Whether a DELETE of {@code obj} should, instead of removing it now, mark it (deletionTimestamp) and leave it
     * for someone to finish: returns the grace period in seconds for a graceful delete (pods on a node), or null to
     * delete now. Finalizers are handled by the generic store.
     */
    default Long gracePeriod(ObjectNode obj, Long requested) {
        return null;
    }

    /**
     * Called when a DELETE marks {@code obj} for deletion (deletionTimestamp set): may change it further and return
     * true to keep it instead of removing it now (a namespace waits for its contents to be deleted). Default: false.
     */
    default boolean retainOnDelete(ObjectNode obj) {
        return false;
    }

    /** The columns of {@code kubectl get}. */
    default TableColumns table() {
        return TableColumns.DEFAULT;
    }

    /** Whether a change of spec bumps metadata.generation (resources with spec/status split). */
    default boolean tracksGeneration() {
        return true;
    }

    /** Whether the name must be a DNS-1123 subdomain (true) or a DNS-1123 label. */
    default NameRule nameRule() {
        return NameRule.SUBDOMAIN;
    }

    enum NameRule { SUBDOMAIN, LABEL, PATH_SEGMENT }
}
