package dev.beluga.agent.server;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.util.List;

/**
 * Which container instance's log a request means, decided from the pod's status as the kubelet does (upstream
 * {@code validateContainerLogStatus}): the previous terminated instance for {@code previous}, else the running one,
 * else the last terminated one; or, when there is none, the kubelet's message saying why (the API server passes it
 * to the client, e.g. {@code container "web" in pod "p" is waiting to start: ContainerCreating}). Stateless.
 */
public final class ContainerLogStatus {
    private ContainerLogStatus() {
    }

    /** The outcome of {@link #choose}. */
    public sealed interface Choice {
    }

    /** Read the log of this container instance (a container ID as in the pod status, e.g. {@code containerd://…}). */
    public record Selected(String containerId) implements Choice {
    }

    /** There is no log to read; {@code message} is the kubelet's text (see {@link LogLocation.Unavailable}). */
    public record NotAvailable(String message) implements Choice {
    }

    /**
     * Chooses from {@code status} (containers, init containers and ephemeral containers are searched in that order).
     *
     * @param podName       the pod's name, for the messages
     * @param containerName the container asked for
     * @param previous      whether the previous terminated instance is asked for
     */
    public static Choice choose(String podName, String containerName, PodStatus status, boolean previous) {
        ContainerStatus cs = status == null ? null : find(status.getContainerStatuses(), containerName);
        if (cs == null && status != null) cs = find(status.getInitContainerStatuses(), containerName);
        if (cs == null && status != null) cs = find(status.getEphemeralContainerStatuses(), containerName);
        String who = "container \"" + containerName + "\" in pod \"" + podName + "\"";
        if (cs == null) return new NotAvailable(who + " is not available");
        ContainerState state = cs.getState() == null ? new ContainerState() : cs.getState();
        ContainerStateTerminated last = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
        if (previous) {
            if (last == null || empty(last.getContainerID()))
                return new NotAvailable("previous terminated container \"" + containerName + "\" in pod \"" + podName + "\" not found");
            return new Selected(last.getContainerID());
        }
        if (state.getRunning() != null) return new Selected(cs.getContainerID());
        if (state.getTerminated() != null) {
            // when the next instance did not start, the terminated state has no ID: the last one has the log
            if (!empty(state.getTerminated().getContainerID())) return new Selected(state.getTerminated().getContainerID());
            if (last != null && !empty(last.getContainerID())) return new Selected(last.getContainerID());
            return new NotAvailable(who + " is terminated");
        }
        if (last != null) {
            if (empty(last.getContainerID())) return new NotAvailable(who + " is terminated");
            return new Selected(last.getContainerID());
        }
        if (state.getWaiting() != null) {
            String reason = state.getWaiting().getReason() == null ? "" : state.getWaiting().getReason();
            return new NotAvailable(who + " is waiting to start: " + switch (reason) {
                case "ErrImagePull" -> "image can't be pulled";
                case "ImagePullBackOff" -> "trying and failing to pull image";
                default -> reason;
            });
        }
        return new NotAvailable(who + " is waiting to start - no logs yet");
    }

    private static ContainerStatus find(List<ContainerStatus> statuses, String name) {
        if (statuses == null) return null;
        for (ContainerStatus s : statuses) if (name.equals(s.getName())) return s;
        return null;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
