package dev.beluga.agent.runtime;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.Container;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxFilter;
import dev.beluga.cri.v1.PodSandboxState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the runtime holds for one pod at one instant: its sandboxes (newest first) and containers with full status
 * (newest first) with the sandbox each runs in, found by the pod-uid label. Immutable snapshot; {@link #read} costs two list calls plus one status
 * call per container.
 */
public record PodRuntime(String podUid, List<PodSandbox> sandboxes, List<ContainerStatus> containers,
                         Map<String, String> sandboxIds) {

    /**
     * The ContainerStatus answers already read, by container id: reused while the listed state is the same (a
     * container's status changes only with its state), so a sync costs two list calls plus one status call per
     * container that changed. Entries of removed containers are dropped by {@link #forget}.
     */
    private static final Map<String, ContainerStatus> STATUS_CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** Drops cached statuses of containers that no longer exist. */
    public static void forget(java.util.Collection<String> containerIds) {
        containerIds.forEach(STATUS_CACHE::remove);
    }

    /** Reads the pod's sandboxes and containers. */
    public static PodRuntime read(CriClient cri, String podUid) {
        List<PodSandbox> sandboxes = new ArrayList<>(cri.listPodSandbox(
            PodSandboxFilter.newBuilder().putLabelSelector(RuntimeLabels.POD_UID, podUid).build()));
        sandboxes.sort(Comparator.comparingLong(PodSandbox::getCreatedAt).reversed());
        List<ContainerStatus> containers = new ArrayList<>();
        Map<String, String> sandboxIds = new HashMap<>();
        for (Container c : cri.listContainers(ContainerFilter.newBuilder().putLabelSelector(RuntimeLabels.POD_UID, podUid).build())) {
            ContainerStatus cached = STATUS_CACHE.get(c.getId());
            if (cached != null && cached.getState() == c.getState()) {
                containers.add(cached);
                sandboxIds.put(c.getId(), c.getPodSandboxId());
                continue;
            }
            try {
                ContainerStatus status = cri.containerStatus(c.getId(), false).getStatus();
                if (status.getState() != dev.beluga.cri.v1.ContainerState.CONTAINER_CREATED) STATUS_CACHE.put(c.getId(), status);
                containers.add(status);
                sandboxIds.put(c.getId(), c.getPodSandboxId());
            } catch (CriException e) {
                if (!e.isNotFound()) throw e; // removed between the list and the status call
            }
        }
        containers.sort(Comparator.comparingLong(ContainerStatus::getCreatedAt).reversed());
        return new PodRuntime(podUid, List.copyOf(sandboxes), List.copyOf(containers), Map.copyOf(sandboxIds));
    }

    /** The sandbox a container runs in (null if unknown). */
    public String sandboxOf(String containerId) {
        return sandboxIds.get(containerId);
    }

    /** The newest sandbox, if any. */
    public Optional<PodSandbox> latestSandbox() {
        return sandboxes.isEmpty() ? Optional.empty() : Optional.of(sandboxes.getFirst());
    }

    /** The newest sandbox if it is ready. */
    public Optional<PodSandbox> readySandbox() {
        return latestSandbox().filter(s -> s.getState() == PodSandboxState.SANDBOX_READY);
    }

    /** The newest container of this name (in any sandbox). */
    public Optional<ContainerStatus> latest(String containerName) {
        return containers.stream().filter(c -> containerName.equals(c.getMetadata().getName())).findFirst();
    }

    /** The container of this name before the newest one (its previous run), if any. */
    public Optional<ContainerStatus> previous(String containerName) {
        return containers.stream().filter(c -> containerName.equals(c.getMetadata().getName())).skip(1).findFirst();
    }

    /** Every container of this name, newest first. */
    public List<ContainerStatus> all(String containerName) {
        return containers.stream().filter(c -> containerName.equals(c.getMetadata().getName())).toList();
    }

    /** Whether nothing of this pod is running (no ready sandbox, no running or created container). */
    public boolean allStopped() {
        return sandboxes.stream().noneMatch(s -> s.getState() == PodSandboxState.SANDBOX_READY)
            && containers.stream().noneMatch(c -> c.getState() == dev.beluga.cri.v1.ContainerState.CONTAINER_RUNNING
                || c.getState() == dev.beluga.cri.v1.ContainerState.CONTAINER_CREATED);
    }

    /** Whether the runtime holds nothing at all for this pod. */
    public boolean isEmpty() {
        return sandboxes.isEmpty() && containers.isEmpty();
    }
}
