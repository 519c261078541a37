package dev.beluga.apiserver.registry;

/**
 * Options of a create, update or patch.
 *
 * @param fieldValidation "Strict", "Warn" or "Ignore" (unknown and duplicate fields)
 * @param subresource     null for the main resource, or "status"
 */
public record WriteOptions(boolean dryRun, String fieldManager, String fieldValidation, String subresource) {
    public static WriteOptions defaults() {
        return new WriteOptions(false, null, "Ignore", null);
    }

    public WriteOptions withSubresource(String s) {
        return new WriteOptions(dryRun, fieldManager, fieldValidation, s);
    }
}
