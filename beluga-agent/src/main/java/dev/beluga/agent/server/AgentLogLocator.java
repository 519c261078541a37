package dev.beluga.agent.server;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.ContainerState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The agent's {@link ContainerLogLocator}: the pod from the agent's pod cache, the container instance chosen from the
 * pod's status as the kubelet does ({@link ContainerLogStatus}), and its log path and running state from the runtime.
 * Thread-safe.
 */
public final class AgentLogLocator implements ContainerLogLocator {
    private final BiFunction<String, String, Pod> pods;
    private final CriClient cri;

    /** @param pods the node's pod by namespace and name (null when the node has none) */
    public AgentLogLocator(BiFunction<String, String, Pod> pods, CriClient cri) {
        this.pods = pods;
        this.cri = cri;
    }

    @Override
    public LogLocation locate(String namespace, String podName, String container, boolean previous) {
        Pod pod = pods.apply(namespace, podName);
        if (pod == null) return new LogLocation.PodNotFound();
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) all.addAll(pod.getSpec().getInitContainers());
        if (all.stream().noneMatch(c -> c.getName().equals(container))) return new LogLocation.ContainerNotFound();
        return switch (ContainerLogStatus.choose(podName, container, pod.getStatus(), previous)) {
            case ContainerLogStatus.NotAvailable n -> new LogLocation.Unavailable(n.message());
            case ContainerLogStatus.Selected s -> {
                String id = s.containerId().replaceFirst("^[a-z]+://", "");
                try {
                    String path = cri.containerStatus(id, false).getStatus().getLogPath();
                    yield new LogLocation.Found(Path.of(path), () -> running(id));
                } catch (CriException e) {
                    yield new LogLocation.Unavailable("container \"" + container + "\" in pod \"" + podName + "\" is not available: " + e.getMessage());
                }
            }
        };
    }

    private boolean running(String id) {
        try {
            return cri.containerStatus(id, false).getStatus().getState() == ContainerState.CONTAINER_RUNNING;
        } catch (CriException e) {
            return false;
        }
    }
}
