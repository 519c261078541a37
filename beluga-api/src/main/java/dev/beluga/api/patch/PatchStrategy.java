package dev.beluga.api.patch;

/** The {@code patchStrategy} of a field, as declared by the struct tags of the Kubernetes API types. */
public enum PatchStrategy {
    /** No strategy declared: objects are merged, lists are replaced. */
    DEFAULT,
    /** {@code merge}: a list is merged, by its merge key when its elements are objects, as a set when they are primitives. */
    MERGE,
    /** {@code replace}: the field (object or list) is replaced as a whole by the patch's value. */
    REPLACE
}
