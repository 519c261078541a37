package dev.beluga.agent.server;

import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.StreamFlags;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.cri.v1.PodSandboxState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The agent's {@link StreamingRuntime}: the pod from the agent's pod cache, what runs of it from the container
 * runtime ({@link PodRuntime}, by the pod's uid), and the one-time URL from CRI {@code Exec}, {@code Attach} or
 * {@code PortForward} — upstream's {@code GetExec}, {@code GetAttach} and {@code GetPortForward}, with their texts:
 *
 * <ul>
 *   <li>no pod of that name on the node: 404 {@code pod does not exist};</li>
 *   <li>exec into a container that is not running (or not there): 500 {@code container not found ("c")};</li>
 *   <li>attach to it: 500 {@code container c not found in pod p_ns}; a uid in the path that is not the pod's: 500
 *       {@code pod p_ns not found};</li>
 *   <li>port-forward with a uid that is not the pod's: 404 {@code pod not found}; nothing of the pod running (no ready
 *       sandbox, no running container): 500 {@code pod not found ("p_ns")};</li>
 *   <li>a failing CRI call: {@link StreamingException#fromRuntime}.</li>
 * </ul>
 * Attach sends the container's own {@code tty} setting to the runtime. Thread-safe (the pod cache and the CRI client
 * are); each call costs two CRI list calls and a status call per container of the pod.
 */
public final class AgentStreamingRuntime implements StreamingRuntime {
    private final BiFunction<String, String, Pod> pods;
    private final CriClient cri;

    /** @param pods the node's pod by namespace and name (null when the node has none) */
    public AgentStreamingRuntime(BiFunction<String, String, Pod> pods, CriClient cri) {
        this.pods = pods;
        this.cri = cri;
    }

    @Override
    public URI exec(String namespace, String podName, String podUid, String container, List<String> command, StreamFlags streams) {
        Pod pod = pod(namespace, podName);
        PodRuntime runtime = read(podUid.isEmpty() ? pod.getMetadata().getUid() : podUid);
        ContainerStatus running = running(runtime, container)
            .orElseThrow(() -> new StreamingException(500, "container not found (\"" + container + "\")"));
        return url(() -> cri.exec(running.getId(), command, streams));
    }

    @Override
    public URI attach(String namespace, String podName, String podUid, String container, StreamFlags streams) {
        Pod pod = pod(namespace, podName);
        String fullName = podName + "_" + namespace;
        PodRuntime runtime = read(podUid.isEmpty() ? pod.getMetadata().getUid() : podUid);
        ContainerStatus running = running(runtime, container)
            .orElseThrow(() -> new StreamingException(500, "container " + container + " not found in pod " + fullName));
        if (!podUid.isEmpty() && !podUid.equals(pod.getMetadata().getUid()))
            throw new StreamingException(500, "pod " + fullName + " not found");
        Boolean tty = containerTty(pod, container)
            .orElseThrow(() -> new StreamingException(500, "container " + container + " not found in pod " + fullName));
        StreamFlags flags = new StreamFlags(streams.stdin(), streams.stdout(), streams.stderr(), tty);
        return url(() -> cri.attach(running.getId(), flags));
    }

    @Override
    public URI portForward(String namespace, String podName, String podUid, List<Integer> ports) {
        Pod pod = pod(namespace, podName);
        String uid = pod.getMetadata().getUid();
        if (!podUid.isEmpty() && !podUid.equals(uid)) throw new StreamingException(404, "pod not found");
        PodRuntime runtime = read(uid);
        boolean running = runtime.sandboxes().stream().anyMatch(s -> s.getState() == PodSandboxState.SANDBOX_READY)
            || runtime.containers().stream().anyMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING);
        if (!running) throw new StreamingException(500, "pod not found (\"" + podName + "_" + namespace + "\")");
        String sandbox = runtime.latestSandbox().orElseThrow(() -> new StreamingException(500,
            "failed to find sandboxID for pod " + podName + "_" + namespace + "(" + uid + ")")).getId();
        return url(() -> cri.portForward(sandbox, ports));
    }

    private Pod pod(String namespace, String name) {
        Pod pod = pods.apply(namespace, name);
        if (pod == null) throw StreamingException.podDoesNotExist();
        return pod;
    }

    private PodRuntime read(String uid) {
        try {
            return PodRuntime.read(cri, uid);
        } catch (CriException e) {
            throw StreamingException.fromRuntime(e);
        }
    }

    /** The newest running container of that name (upstream looks among the runtime's running containers only). */
    private static Optional<ContainerStatus> running(PodRuntime runtime, String name) {
        return runtime.all(name).stream().filter(c -> c.getState() == ContainerState.CONTAINER_RUNNING).findFirst();
    }

    /** The tty setting of the named init, regular or ephemeral container of the pod's spec. */
    private static Optional<Boolean> containerTty(Pod pod, String name) {
        for (List<Container> list : List.of(nullSafe(pod.getSpec().getInitContainers()), nullSafe(pod.getSpec().getContainers())))
            for (Container c : list) if (name.equals(c.getName())) return Optional.of(Boolean.TRUE.equals(c.getTty()));
        if (pod.getSpec().getEphemeralContainers() != null)
            for (EphemeralContainer c : pod.getSpec().getEphemeralContainers())
                if (name.equals(c.getName())) return Optional.of(Boolean.TRUE.equals(c.getTty()));
        return Optional.empty();
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static URI url(java.util.function.Supplier<String> call) {
        String url;
        try {
            url = call.get();
        } catch (CriException e) {
            throw StreamingException.fromRuntime(e);
        }
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new StreamingException(500, "parse \"" + url + "\": " + e.getMessage());
        }
    }
}
