package dev.beluga.agent.pods;

import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pod status the kubelet reports, computed from the runtime's view (upstream's generateAPIPodStatus and
 * getPhase): container statuses (state, lastState, restartCount, ready, started, image, imageID, containerID), init
 * container statuses, the phase, the kubelet-owned conditions (PodReadyToStartContainers, Initialized,
 * ContainersReady, Ready), pod and host IPs, startTime and qosClass. Conditions owned by others (PodScheduled,
 * DisruptionTarget, readiness gates) are kept; a condition's lastTransitionTime changes only with its status.
 * Pure function of its inputs; thread-safe.
 */
public final class PodStatuses {
    /** Why a container is waiting, when the sync decided it (ErrImagePull, CrashLoopBackOff, ...). */
    public record Waiting(String reason, String message) {}

    /** Everything besides the pod and runtime snapshot. */
    public record Inputs(String hostIp, String podIp, Map<String, Waiting> waiting, ProbeState probes, String now) {}

    private static final int MAX_TERMINATION_MESSAGE = 4096;

    private PodStatuses() {}

    public static PodStatus build(Pod pod, PodRuntime rt, Inputs in) {
        var spec = pod.getSpec();
        PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String uid = pod.getMetadata().getUid();
        List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> initStatuses = new ArrayList<>();
        List<String> initIncomplete = new ArrayList<>();
        boolean initFailed = false;
        for (Container c : inits) {
            var s = containerStatus(uid, c, rt, in, "PodInitializing", true);
            initStatuses.add(s);
            var t = s.getState().getTerminated();
            if (t == null || t.getExitCode() != 0) {
                initIncomplete.add(c.getName());
                boolean failed = (t != null && t.getExitCode() != 0)
                    || (s.getLastState() != null && s.getLastState().getTerminated() != null && s.getState().getWaiting() != null);
                if (failed) initFailed = true;
            }
        }
        boolean initialized = initIncomplete.isEmpty();
        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
        for (Container c : spec.getContainers()) {
            statuses.add(containerStatus(uid, c, rt, in, initialized ? "ContainerCreating" : "PodInitializing", false));
        }
        String restartPolicy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
        String phase = phase(restartPolicy, initialized, initFailed, statuses);
        if (isTerminal(old.getPhase())) phase = old.getPhase(); // a terminal phase never changes back

        List<String> unready = statuses.stream().filter(s -> !Boolean.TRUE.equals(s.getReady())).map(s -> s.getName()).toList();
        boolean terminal = isTerminal(phase);
        List<PodCondition> conditions = new ArrayList<>();
        List<String> owned = List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready");
        if (old.getConditions() != null) {
            for (PodCondition c : old.getConditions()) if (!owned.contains(c.getType())) conditions.add(c);
        }
        boolean sandboxReady = rt.readySandbox().isPresent();
        conditions.add(condition(old, "PodReadyToStartContainers", sandboxReady, null, null, in.now()));
        conditions.add(condition(old, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
            initialized ? null : "containers with incomplete status: " + bracket(initIncomplete), in.now()));
        boolean containersReady = unready.isEmpty() && !terminal;
        String notReadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
        String notReadyMessage = terminal ? null : "containers with unready status: " + bracket(unready);
        conditions.add(condition(old, "ContainersReady", containersReady, containersReady ? null : notReadyReason,
            containersReady ? null : notReadyMessage, in.now()));
        List<String> gatesUnready = gatesNotTrue(pod, conditions);
        boolean ready = containersReady && gatesUnready.isEmpty();
        String readyReason = ready ? null : !containersReady ? notReadyReason : "ReadinessGatesNotReady";
        String readyMessage = ready ? null : !containersReady ? notReadyMessage
            : "corresponding condition of pod readiness gate \"" + gatesUnready.getFirst() + "\" does not exist.";
        conditions.add(condition(old, "Ready", ready, readyReason, readyMessage, in.now()));

        PodStatusBuilder b = new PodStatusBuilder().withPhase(phase).withConditions(conditions)
            .withHostIP(in.hostIp()).withHostIPs(new io.fabric8.kubernetes.api.model.HostIP(in.hostIp()))
            .withStartTime(old.getStartTime() != null ? old.getStartTime() : in.now())
            .withQosClass(QosClass.of(pod))
            .withContainerStatuses(statuses)
            .withInitContainerStatuses(inits.isEmpty() ? null : initStatuses);
        String podIp = Boolean.TRUE.equals(spec.getHostNetwork()) ? in.hostIp() : in.podIp();
        if (podIp == null && old.getPodIP() != null) podIp = old.getPodIP(); // keep the IP of a pod that stopped
        if (podIp != null && !podIp.isEmpty()) b.withPodIP(podIp).withPodIPs(new PodIP(podIp));
        if (old.getNominatedNodeName() != null) b.withNominatedNodeName(old.getNominatedNodeName());
        return b.build();
    }

    static boolean isTerminal(String phase) {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Upstream's getPhase: containers that never ran count as waiting, restarting ones as stopped. */
    static String phase(String restartPolicy, boolean initialized, boolean initFailed,
                        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses) {
        if (!initialized) return initFailed && "Never".equals(restartPolicy) ? "Failed" : "Pending";
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        for (var s : statuses) {
            var st = s.getState();
            if (st.getRunning() != null) running++;
            else if (st.getTerminated() != null) {
                stopped++;
                if (st.getTerminated().getExitCode() == 0) succeeded++;
            } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
                stopped++;
                if (s.getLastState().getTerminated().getExitCode() == 0) succeeded++;
            } else waiting++;
        }
        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped > 0) {
            if ("Always".equals(restartPolicy)) return "Running";
            if (stopped == succeeded) return "Succeeded";
            if ("Never".equals(restartPolicy)) return "Failed";
            return "Running";
        }
        return "Pending";
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus containerStatus(
        String uid, Container c, PodRuntime rt, Inputs in, String defaultWaiting, boolean init) {
        var b = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
            .withImageID("").withReady(false).withRestartCount(0);
        if (!init) b.withStarted(false);
        ContainerStatus latest = rt.latest(c.getName()).orElse(null);
        Waiting waiting = in.waiting().get(c.getName());
        if (latest == null) {
            Waiting w = waiting != null ? waiting : new Waiting(defaultWaiting, null);
            return b.withState(new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting().build()).build();
        }
        String id = "containerd://" + latest.getId();
        b.withRestartCount((int) latest.getMetadata().getAttempt()).withImageID(latest.getImageRef()).withContainerID(id);
        switch (latest.getState()) {
            case CONTAINER_RUNNING -> {
                b.withState(new ContainerStateBuilder().withNewRunning().withStartedAt(time(latest.getStartedAt())).endRunning().build());
                boolean started = in.probes().started(uid, c.getName(), latest.getId());
                if (!init) b.withStarted(started);
                b.withReady(started && in.probes().ready(uid, c.getName(), latest.getId()) && !init);
                rt.previous(c.getName()).filter(p -> p.getState() == ContainerState.CONTAINER_EXITED)
                    .ifPresent(p -> b.withLastState(new ContainerStateBuilder().withTerminated(terminated(p)).build()));
            }
            case CONTAINER_EXITED -> {
                if (waiting != null) {
                    b.withState(new ContainerStateBuilder().withNewWaiting().withReason(waiting.reason()).withMessage(waiting.message()).endWaiting().build());
                    b.withLastState(new ContainerStateBuilder().withTerminated(terminated(latest)).build());
                } else {
                    b.withState(new ContainerStateBuilder().withTerminated(terminated(latest)).build());
                    rt.previous(c.getName()).filter(p -> p.getState() == ContainerState.CONTAINER_EXITED)
                        .ifPresent(p -> b.withLastState(new ContainerStateBuilder().withTerminated(terminated(p)).build()));
                }
            }
            default -> {
                Waiting w = waiting != null ? waiting : new Waiting("ContainerCreating", null);
                b.withState(new ContainerStateBuilder().withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting().build());
            }
        }
        if (init && latest.getState() == ContainerState.CONTAINER_EXITED && latest.getExitCode() == 0 && waiting == null) {
            b.withReady(true);
        }
        return b.build();
    }

    static ContainerStateTerminated terminated(ContainerStatus s) {
        String reason = s.getReason().isEmpty() ? (s.getExitCode() == 0 ? "Completed" : "Error") : s.getReason();
        String message = terminationMessage(s);
        return new ContainerStateTerminatedBuilder().withExitCode(s.getExitCode()).withReason(reason)
            .withMessage(message == null || message.isEmpty() ? null : message)
            .withStartedAt(s.getStartedAt() == 0 ? null : time(s.getStartedAt()))
            .withFinishedAt(s.getFinishedAt() == 0 ? null : time(s.getFinishedAt()))
            .withContainerID("containerd://" + s.getId()).build();
    }

    /**
     * The termination message: the file the container wrote at its terminationMessagePath (at most 4 KiB), or —
     * with FallbackToLogsOnError, a failed container and an empty file — the end of its log; else the runtime's
     * message.
     */
    static String terminationMessage(ContainerStatus s) {
        String hostPath = s.getAnnotationsMap().get(RuntimeLabels.TERMINATION_MESSAGE_HOST_PATH);
        String text = null;
        if (hostPath != null) text = readCapped(Path.of(hostPath), MAX_TERMINATION_MESSAGE, false);
        if ((text == null || text.isEmpty()) && s.getExitCode() != 0
            && "FallbackToLogsOnError".equals(s.getAnnotationsMap().get(RuntimeLabels.TERMINATION_MESSAGE_POLICY))
            && !s.getLogPath().isEmpty()) {
            text = CriLogTail.lastLines(Path.of(s.getLogPath()), 80, 2048);
        }
        if (text == null || text.isEmpty()) text = s.getMessage();
        return text;
    }

    static String readCapped(Path p, int max, boolean tail) {
        try {
            byte[] all = Files.readAllBytes(p);
            int from = tail ? Math.max(0, all.length - max) : 0;
            int len = Math.min(max, all.length - from);
            return new String(all, from, len, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    static String time(long nanos) {
        return Instant.ofEpochSecond(nanos / 1_000_000_000L).toString();
    }

    private static PodCondition condition(PodStatus old, String type, boolean ok, String reason, String message, String now) {
        String status = ok ? "True" : "False";
        String transition = now;
        if (old.getConditions() != null) {
            for (PodCondition c : old.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
            .withLastProbeTime(null).withLastTransitionTime(transition).build();
    }

    private static List<String> gatesNotTrue(Pod pod, List<PodCondition> conditions) {
        List<String> out = new ArrayList<>();
        if (pod.getSpec().getReadinessGates() == null) return out;
        for (PodReadinessGate g : pod.getSpec().getReadinessGates()) {
            boolean ok = conditions.stream().anyMatch(c -> Objects.equals(c.getType(), g.getConditionType()) && "True".equals(c.getStatus()));
            if (!ok) out.add(g.getConditionType());
        }
        return out;
    }

    private static String bracket(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }
}
