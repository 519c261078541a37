package dev.beluga.apiserver.registry;

import dev.beluga.apiserver.auth.UserInfo;

/**
 * Options of a create, update or patch.
 *
 * @param fieldValidation "Strict", "Warn" or "Ignore" (unknown and duplicate fields)
 * @param subresource     null for the main resource, "status", "approval" (certificatesigningrequests), or "binding"
 *                        (pods/binding: spec.nodeName and status)
 * @param applied         for server-side apply, the applied configuration (its fields become the manager's)
 * @param user            who asks (for {@link Admission}, and for strategies that record it: a
 *                        CertificateSigningRequest's spec.username); null for the API server's own writes
 * @param serverBuilt     the object was built by the API server's own code from fields its kind has (bootstrap
 *                        objects, the RBAC bootstrap policy): the search for unknown fields is skipped. On a first
 *                        start it introspected the model classes of ~60 such objects, ~200 ms of the start. Set
 *                        through {@link #serverBuilt(String)} by that code only: the options of a client's request
 *                        (ResourceHandler) never have it, so a client's object is always searched
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, String subresource,
                           com.fasterxml.jackson.databind.node.ObjectNode applied,
                           java.util.function.Consumer<String> warnings, dev.beluga.apiserver.auth.UserInfo user,
                           boolean serverBuilt) {
    public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, String subresource) {
        this(dryRun, fieldManager, fieldValidation, subresource, null, null, null, false);
    }

    public WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, String subresource,
                        com.fasterxml.jackson.databind.node.ObjectNode applied, java.util.function.Consumer<String> warnings) {
        this(dryRun, fieldManager, fieldValidation, subresource, applied, warnings, null, false);
    }

    /** The API server's own write of an object its code built, as {@code fieldManager} (see {@code serverBuilt}). */
    public static WriteOptions serverBuilt(String fieldManager) {
        return new WriteOptions(false, fieldManager, "Ignore", null, null, null, null, true);
    }

    /** The same options on behalf of {@code u}. */
    public WriteOptions withUser(dev.beluga.apiserver.auth.UserInfo u) {
        return new WriteOptions(dryRun, fieldManager, fieldValidation, subresource, applied, warnings, u, serverBuilt);
    }

    /** The same options, sending warnings (e.g. unknown fields under fieldValidation=Warn) to {@code sink}. */
    public WriteOptions withWarnings(java.util.function.Consumer<String> sink) {
        return new WriteOptions(dryRun, fieldManager, fieldValidation, subresource, applied, sink, user, serverBuilt);
    }

    public static WriteOptions defaults() {
        return new WriteOptions(false, null, "Ignore", null);
    }

    public WriteOptions withSubresource(String s) {
        return new WriteOptions(dryRun, fieldManager, fieldValidation, s, applied, warnings, user, serverBuilt);
    }

    /** The same options for a server-side apply of {@code config} (the manager's field set is replaced). */
    public WriteOptions withApplied(com.fasterxml.jackson.databind.node.ObjectNode config) {
        return new WriteOptions(dryRun, fieldManager, fieldValidation, subresource, config, warnings, user, serverBuilt);
    }
}
