package dev.beluga.agent.server;

/**
 * Finds the log file of a container for {@code GET /containerLogs/{namespace}/{pod}/{container}}: what the agent
 * implements over its pods and the container runtime.
 *
 * <p>Called on the request's thread (a virtual thread), concurrently for concurrent requests: implementations must be
 * thread-safe and should not block for long. {@link ContainerLogStatus#choose} decides from a pod's status which
 * container instance's log to read, with the kubelet's messages when there is none.
 */
@FunctionalInterface
public interface ContainerLogLocator {
    /**
     * Where the log of {@code container} in pod {@code namespace/pod} is.
     *
     * @param previous the previous (terminated) instance of the container rather than the current one
     * @return the file and a running check, or why there is none
     */
    LogLocation locate(String namespace, String pod, String container, boolean previous);
}
