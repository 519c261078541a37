package dev.beluga.agent.server;

import dev.beluga.cri.CriException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Why a {@link StreamingRuntime} cannot prepare a session: the HTTP status and plain text the kubelet answers with.
 * Runtime failures are rendered as upstream's kubelet renders gRPC errors ({@link #fromRuntime}).
 */
public final class StreamingException extends RuntimeException {
    private final int status;

    /** @param status the HTTP status; @param message the response body */
    public StreamingException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** 404 {@code pod does not exist}: the node has no pod of that name. */
    public static StreamingException podDoesNotExist() {
        return new StreamingException(404, "pod does not exist");
    }

    /**
     * A failed CRI call as upstream's {@code streaming.WriteError} answers it: NotFound 404, ResourceExhausted 429,
     * anything else 500, with Go's text of the gRPC error, {@code rpc error: code = NotFound desc = …}.
     */
    public static StreamingException fromRuntime(CriException e) {
        Status grpc = e.getCause() instanceof StatusRuntimeException s ? s.getStatus() : Status.fromCode(e.code());
        int status = switch (e.code()) {
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 429;
            default -> 500;
        };
        return new StreamingException(status, "rpc error: code = " + goCodeName(e.code()) + " desc = "
            + (grpc.getDescription() == null ? "" : grpc.getDescription()));
    }

    /** The name Go's {@code codes.Code.String()} gives a status code: {@code NotFound}, {@code Canceled}, ... */
    static String goCodeName(Status.Code code) {
        if (code == Status.Code.OK) return "OK";
        if (code == Status.Code.CANCELLED) return "Canceled";
        StringBuilder sb = new StringBuilder();
        for (String word : code.name().split("_")) sb.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        return sb.toString();
    }

    public int status() {
        return status;
    }
}
