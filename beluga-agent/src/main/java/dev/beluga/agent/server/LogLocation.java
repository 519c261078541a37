package dev.beluga.agent.server;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The answer of a {@link ContainerLogLocator}: the log file, or why there is none. Each kind of answer becomes the
 * kubelet's response for it.
 */
public sealed interface LogLocation {

    /**
     * The container instance's CRI log file.
     *
     * @param file         the log file (symbolic links are resolved once, when reading starts)
     * @param stillRunning whether the container still runs; a {@code follow} ends once it says false and the file is
     *                     exhausted. Called from the request's thread about once a second while following.
     */
    record Found(Path file, BooleanSupplier stillRunning) implements LogLocation {
    }

    /** The node has no pod of that name: 404 {@code pod "<pod>" does not exist}. */
    record PodNotFound() implements LogLocation {
    }

    /** The pod has no container of that name in its spec: 404 {@code container "<c>" not found in pod "<pod>"}. */
    record ContainerNotFound() implements LogLocation {
    }

    /**
     * The container has no log to show now (waiting to start, no previous instance, ...): 400 with {@code message}
     * as the body, which the API server passes on to the client. See {@link ContainerLogStatus} for the kubelet's
     * messages.
     */
    record Unavailable(String message) implements LogLocation {
    }
}
