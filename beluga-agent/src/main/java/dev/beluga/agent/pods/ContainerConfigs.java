package dev.beluga.agent.pods;

import dev.beluga.agent.AgentSerialization;

import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.cri.v1.Capability;
import dev.beluga.cri.v1.ContainerConfig;
import dev.beluga.cri.v1.ContainerMetadata;
import dev.beluga.cri.v1.ImageSpec;
import dev.beluga.cri.v1.Int64Value;
import dev.beluga.cri.v1.KeyValue;
import dev.beluga.cri.v1.LinuxContainerConfig;
import dev.beluga.cri.v1.LinuxContainerResources;
import dev.beluga.cri.v1.LinuxContainerSecurityContext;
import dev.beluga.cri.v1.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The CRI configuration of one container, as upstream's kubelet builds it (generateContainerConfig): metadata with
 * the attempt (= restart count), image, command and args (already expanded), working dir, environment, mounts, labels
 * and annotations the agent finds it by, the log path relative to the sandbox's log directory, stdin/tty, cgroup
 * resources from requests and limits, and the security context merged from pod and container. Pure functions;
 * thread-safe.
 */
public final class ContainerConfigs {
    /** CFS period upstream uses (100 ms). */
    static final long CPU_PERIOD = 100_000;
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private ContainerConfigs() {}

    /** What goes into one CreateContainer call besides the pod and container. */
    public record Inputs(int attempt, String kind, String image, List<String> command, List<String> args,
                         List<KeyValue> env, List<Mount> mounts, String terminationMessageHostPath) {}

    public static ContainerConfig build(Pod pod, Container c, Inputs in) {
        var meta = pod.getMetadata();
        ContainerConfig.Builder b = ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(c.getName()).setAttempt(in.attempt()))
            .setImage(ImageSpec.newBuilder().setImage(in.image()).setUserSpecifiedImage(c.getImage()))
            .addAllCommand(in.command()).addAllArgs(in.args())
            .addAllEnvs(in.env()).addAllMounts(in.mounts())
            .putLabels(RuntimeLabels.POD_NAME, meta.getName())
            .putLabels(RuntimeLabels.POD_NAMESPACE, meta.getNamespace())
            .putLabels(RuntimeLabels.POD_UID, meta.getUid())
            .putLabels(RuntimeLabels.CONTAINER_NAME, c.getName())
            .putAnnotations(RuntimeLabels.CONTAINER_HASH, hash(c))
            .putAnnotations(RuntimeLabels.RESTART_COUNT, Integer.toString(in.attempt()))
            .putAnnotations(RuntimeLabels.CONTAINER_KIND, in.kind())
            .putAnnotations(RuntimeLabels.TERMINATION_MESSAGE_PATH, terminationMessagePath(c))
            .putAnnotations(RuntimeLabels.TERMINATION_MESSAGE_POLICY,
                c.getTerminationMessagePolicy() == null ? "File" : c.getTerminationMessagePolicy())
            .setLogPath(c.getName() + "/" + in.attempt() + ".log")
            .setStdin(Boolean.TRUE.equals(c.getStdin())).setStdinOnce(Boolean.TRUE.equals(c.getStdinOnce()))
            .setTty(Boolean.TRUE.equals(c.getTty()))
            .setLinux(LinuxContainerConfig.newBuilder().setResources(resources(pod, c)).setSecurityContext(security(pod, c)));
        if (in.terminationMessageHostPath() != null) {
            b.putAnnotations(RuntimeLabels.TERMINATION_MESSAGE_HOST_PATH, in.terminationMessageHostPath());
        }
        if (c.getWorkingDir() != null) b.setWorkingDir(c.getWorkingDir());
        return b.build();
    }

    public static String terminationMessagePath(Container c) {
        return c.getTerminationMessagePath() == null || c.getTerminationMessagePath().isEmpty()
            ? "/dev/termination-log" : c.getTerminationMessagePath();
    }

    /** A hash of the container's spec: a container whose hash differs from its spec's must be recreated. */
    public static String hash(Container c) {
        CRC32 crc = new CRC32();
        crc.update(AgentSerialization.INSTANCE.asJson(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** cgroup resources from the container's requests and limits, with the QoS-class OOM score as upstream. */
    static LinuxContainerResources resources(Pod pod, Container c) {
        Map<String, Quantity> req = c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
        Map<String, Quantity> lim = c.getResources() == null || c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
        long cpuRequestMilli = milli(req.getOrDefault("cpu", lim.get("cpu")));
        long shares = cpuRequestMilli <= 0 ? 2 : Math.max(2, cpuRequestMilli * 1024 / 1000);
        LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder().setCpuShares(shares);
        long cpuLimitMilli = milli(lim.get("cpu"));
        if (cpuLimitMilli > 0) {
            r.setCpuPeriod(CPU_PERIOD).setCpuQuota(Math.max(1000, cpuLimitMilli * CPU_PERIOD / 1000));
        }
        long memLimit = bytes(lim.get("memory"));
        if (memLimit > 0) r.setMemoryLimitInBytes(memLimit);
        r.setOomScoreAdj(switch (QosClass.of(pod)) {
            case "Guaranteed" -> -997;
            case "BestEffort" -> 1000;
            default -> 999;
        });
        return r.build();
    }

    static LinuxContainerSecurityContext security(Pod pod, Container c) {
        LinuxContainerSecurityContext.Builder s = LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(SandboxConfigs.namespaces(pod, c));
        PodSecurityContext psc = pod.getSpec().getSecurityContext();
        SecurityContext sc = c.getSecurityContext();
        Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
        Long group = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc == null ? null : psc.getRunAsGroup();
        if (user != null) s.setRunAsUser(Int64Value.newBuilder().setValue(user));
        if (group != null) s.setRunAsGroup(Int64Value.newBuilder().setValue(group));
        if (psc != null) {
            if (psc.getSupplementalGroups() != null) s.addAllSupplementalGroups(psc.getSupplementalGroups());
            if (psc.getFsGroup() != null) s.addSupplementalGroups(psc.getFsGroup());
        }
        boolean privileged = sc != null && Boolean.TRUE.equals(sc.getPrivileged());
        s.setPrivileged(privileged);
        if (!privileged) {
            s.addAllMaskedPaths(MASKED_PATHS).addAllReadonlyPaths(READONLY_PATHS);
        }
        if (sc != null) {
            if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) s.setReadonlyRootfs(true);
            if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) s.setNoNewPrivs(true);
            if (sc.getCapabilities() != null) {
                Capability.Builder cap = Capability.newBuilder();
                if (sc.getCapabilities().getAdd() != null) {
                    sc.getCapabilities().getAdd().forEach(a -> cap.addAddCapabilities(capName(a)));
                }
                if (sc.getCapabilities().getDrop() != null) {
                    sc.getCapabilities().getDrop().forEach(d -> cap.addDropCapabilities(capName(d)));
                }
                s.setCapabilities(cap);
            }
        }
        return s.build();
    }

    /** CRI wants CAP_-prefixed names ("ALL" stays as it is); pods may write either. */
    static String capName(String c) {
        String u = c.toUpperCase(java.util.Locale.ROOT);
        return u.equals("ALL") || u.startsWith("CAP_") ? u : "CAP_" + u;
    }

    static long milli(Quantity q) {
        if (q == null) return 0;
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.UP).longValue();
    }

    static long bytes(Quantity q) {
        if (q == null) return 0;
        return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.UP).longValue();
    }
}
