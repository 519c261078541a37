package dev.beluga.agent.pods;

import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Stops and removes what the runtime holds for a pod, as upstream's kubelet kills pods: each running container gets
 * its preStop hook, then SIGTERM, then SIGKILL when the grace period (at least 2 s once a hook ran) is over — all
 * containers in parallel — and then the sandbox is stopped (its IP released). Also removes pods' cgroups, which the
 * runtime leaves behind, and deletes finished pods from the API. Thread-safe; calls for one pod are serialized by its
 * worker.
 */
public final class PodTerminator {
    private static final Logger log = LoggerFactory.getLogger(PodTerminator.class);
    static final Duration MIN_GRACE = Duration.ofSeconds(2);

    private final CriClient cri;
    private final KubernetesClient client;
    private final LifecycleHooks hooks;
    private final Path cgroupRoot;

    public PodTerminator(CriClient cri, KubernetesClient client, Path cgroupRoot) {
        this.cri = cri;
        this.client = client;
        this.hooks = new LifecycleHooks(cri);
        this.cgroupRoot = cgroupRoot;
    }

    public LifecycleHooks hooks() {
        return hooks;
    }

    /** The grace period for stopping the pod now: the deletion's if it is being deleted, else its spec's (30 s default). */
    public Duration gracePeriod(Pod pod) {
        Long s = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (s == null) s = pod.getSpec().getTerminationGracePeriodSeconds();
        return Duration.ofSeconds(s == null ? 30 : s);
    }

    /** Stops one container: preStop hook, then StopContainer with the rest of the grace period. */
    public void killContainer(Pod pod, Container spec, String containerId, Duration grace) {
        long t0 = System.nanoTime();
        if (spec != null && spec.getLifecycle() != null && spec.getLifecycle().getPreStop() != null && !grace.isZero()) {
            String failure = hooks.run(spec.getLifecycle().getPreStop(), spec, containerId, podIp(pod), grace);
            if (failure != null) log.info("preStop hook of {}/{}: {}", pod.getMetadata().getName(), spec.getName(), failure);
            Duration left = grace.minusNanos(System.nanoTime() - t0);
            grace = left.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : left;
        }
        try {
            cri.stopContainer(containerId, grace);
        } catch (CriException e) {
            if (!e.isNotFound()) log.warn("stopping container {}: {}", containerId, e.getMessage());
        }
    }

    /** Stops every running container (in parallel) and then every ready sandbox of the pod. */
    public void stopPod(Pod pod, PodRuntime rt, Duration grace) {
        List<ContainerStatus> running = rt.containers().stream()
            .filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING || c.getState() == ContainerState.CONTAINER_CREATED).toList();
        if (!running.isEmpty()) {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (ContainerStatus c : running) pool.submit(() -> killContainer(pod, specOf(pod, c.getMetadata().getName()), c.getId(), grace));
            }
        }
        for (PodSandbox s : rt.sandboxes()) {
            if (s.getState() != PodSandboxState.SANDBOX_READY) continue;
            try {
                cri.stopPodSandbox(s.getId());
            } catch (CriException e) {
                if (!e.isNotFound()) log.warn("stopping sandbox {}: {}", s.getId(), e.getMessage());
            }
        }
    }

    /** Stops (2 s grace) and removes every container and sandbox of the pod. */
    public void removeAll(PodRuntime rt) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ContainerStatus c : rt.containers()) {
                pool.submit(() -> {
                    try {
                        if (c.getState() == ContainerState.CONTAINER_RUNNING) cri.stopContainer(c.getId(), MIN_GRACE);
                        cri.removeContainer(c.getId());
                    } catch (CriException e) {
                        if (!e.isNotFound()) log.warn("removing container {}: {}", c.getId(), e.getMessage());
                    }
                });
            }
        }
        for (PodSandbox s : rt.sandboxes()) {
            try {
                cri.stopPodSandbox(s.getId());
                cri.removePodSandbox(s.getId());
            } catch (CriException e) {
                if (!e.isNotFound()) log.warn("removing sandbox {}: {}", s.getId(), e.getMessage());
            }
        }
    }

    /** Deletes a pod whose containers have all stopped from the API (grace period 0), as the kubelet finishes a deletion. */
    public void deleteFromApi(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) log.warn("deleting pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
        }
    }

    /**
     * Removes a pod's cgroup directories (cgroupfs: one per controller hierarchy, deepest first). The runtime removes
     * container cgroups but leaves the pod-level ones it was given as cgroup parent.
     */
    public void removeCgroups(String cgroup) {
        if (!Files.isDirectory(cgroupRoot)) return;
        List<Path> hierarchies = new ArrayList<>();
        try (Stream<Path> s = Files.list(cgroupRoot)) {
            s.filter(Files::isDirectory).forEach(hierarchies::add);
        } catch (IOException e) {
            return;
        }
        hierarchies.add(cgroupRoot); // cgroup v2: the root is the hierarchy
        String rel = cgroup.startsWith("/") ? cgroup.substring(1) : cgroup;
        for (Path h : hierarchies) {
            Path dir = h.resolve(rel);
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            log.debug("removing cgroup {}: {}", p, e.toString());
                        }
                    });
            } catch (IOException | java.io.UncheckedIOException e) {
                log.debug("removing cgroup {}: {}", dir, e.toString());
            }
        }
    }

    /** Removes the agent's own cgroup parent (and its now empty ancestors); pods' cgroups must be gone already. */
    public void removeCgroupParent(String parent) {
        removeCgroups(parent);
        String rel = parent.startsWith("/") ? parent.substring(1) : parent;
        for (int cut = rel.lastIndexOf('/'); cut > 0; cut = rel.lastIndexOf('/')) {
            rel = rel.substring(0, cut);
            for (String h : hierarchyNames()) {
                try {
                    Files.deleteIfExists(cgroupRoot.resolve(h).resolve(rel));
                } catch (IOException e) {
                    // not empty: another node's cgroups live there
                }
            }
        }
    }

    private List<String> hierarchyNames() {
        List<String> out = new ArrayList<>();
        out.add("");
        try (Stream<Path> s = Files.list(cgroupRoot)) {
            s.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException ignored) {
            // none
        }
        return out;
    }

    private static Container specOf(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainers()) if (c.getName().equals(name)) return c;
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) if (c.getName().equals(name)) return c;
        }
        return null;
    }

    private static String podIp(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    }
}
