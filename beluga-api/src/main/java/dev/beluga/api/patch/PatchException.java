package dev.beluga.api.patch;

/** A patch that cannot be applied (bad operation, missing path, failed test); the message names the path. */
public final class PatchException extends RuntimeException {
    public PatchException(String message) {
        super(message);
    }
}
