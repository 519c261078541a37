package dev.beluga.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.nio.file.Path;

/**
 * A CRI call that failed: the runtime answered with an error status, the deadline passed, or the socket could not be
 * reached. The message names the call ({@code "RuntimeService/RunPodSandbox"}), the socket and the gRPC status, e.g.
 * {@code CRI RuntimeService/Version on /x/containerd.sock failed: UNAVAILABLE: io exception}.
 *
 * <p>{@link #code()} is the gRPC status code; callers branch on it (for instance {@link #isNotFound()} after a
 * sandbox or container disappeared) rather than on the message text.
 */
public final class CriException extends RuntimeException {
    private final String call;
    private final Status.Code code;

    CriException(String call, Path socket, StatusRuntimeException cause) {
        super("CRI " + call + " on " + socket + " failed: " + describe(cause.getStatus()), cause);
        this.call = call;
        this.code = cause.getStatus().getCode();
    }

    private static String describe(Status status) {
        return status.getDescription() == null
                ? status.getCode().name()
                : status.getCode() + ": " + status.getDescription();
    }

    /** The failed call as {@code Service/Method}, e.g. {@code ImageService/PullImage}. */
    public String call() {
        return call;
    }

    /** The gRPC status code the call ended with ({@code DEADLINE_EXCEEDED} when the per-call deadline passed). */
    public Status.Code code() {
        return code;
    }

    /** True when the runtime reported that the sandbox, container or image does not exist. */
    public boolean isNotFound() {
        return code == Status.Code.NOT_FOUND;
    }

    /** True when the runtime could not be reached at all (not started yet, stopped, wrong socket). */
    public boolean isUnavailable() {
        return code == Status.Code.UNAVAILABLE;
    }
}
