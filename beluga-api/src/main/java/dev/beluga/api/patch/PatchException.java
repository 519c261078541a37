package dev.beluga.api.patch;

/**
 * A patch that cannot be applied: a malformed patch, an operation on a missing path, a failed {@code test}, a list
 * element without its merge key, ... The message names the operation, directive or path that failed.
 */
public final class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PatchException(String message) {
        super(message);
    }
}
