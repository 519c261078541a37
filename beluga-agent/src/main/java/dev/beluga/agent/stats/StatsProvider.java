package dev.beluga.agent.stats;

import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.agent.stats.Summary.ContainerStats;
import dev.beluga.agent.stats.Summary.CpuStats;
import dev.beluga.agent.stats.Summary.MemoryStats;
import dev.beluga.agent.stats.Summary.NodeStats;
import dev.beluga.agent.stats.Summary.PodReference;
import dev.beluga.agent.stats.Summary.PodStats;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.Container;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStateValue;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxFilter;
import dev.beluga.cri.v1.PodSandboxState;
import dev.beluga.cri.v1.PodSandboxStateValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's {@link Summary}, read when asked (upstream's CRI stats provider, CPU and memory only):
 *
 * <ul>
 *   <li>pods: the runtime's ready sandboxes (name, namespace and uid from their metadata, start time their creation);
 *       a pod that has two ready sandboxes for a moment is reported with the newer one;</li>
 *   <li>containers: the running containers of those sandboxes (start time their creation), with the figures of
 *       CRI {@code ListContainerStats}: cumulative CPU time and memory working set, each with the time the runtime
 *       read it;</li>
 *   <li>a pod's CPU and memory: the sums over its containers (CRI {@code ListPodSandboxStats}, which would add the
 *       sandbox's own pause process, fails on containerd 1.6), at the latest of their times;</li>
 *   <li>the node: the machine's usage ({@link MachineUsage}), started at boot;</li>
 *   <li>{@code usageNanoCores}: from this sample and an earlier one of the same container, pod or node
 *       ({@link CpuRates}), so the first summary after a container starts has none.</li>
 * </ul>
 *
 * Thread-safe: summaries are taken one at a time.
 */
public final class StatsProvider {
    private static final Logger log = LoggerFactory.getLogger(StatsProvider.class);

    private final String nodeName;
    private final CriClient cri;
    private final MachineUsage machine;
    private final CpuRates rates = new CpuRates();

    public StatsProvider(String nodeName, CriClient cri, MachineUsage machine) {
        this.nodeName = nodeName;
        this.cri = cri;
        this.machine = machine;
    }

    /**
     * Reads the runtime and the machine.
     *
     * @throws dev.beluga.cri.CriException when the runtime cannot be asked
     */
    public synchronized Summary summary() {
        Set<String> seen = new HashSet<>();
        Map<String, PodSandbox> sandboxes = new LinkedHashMap<>(); // by sandbox id, one per pod uid
        Map<String, String> sandboxOfPod = new HashMap<>();
        for (PodSandbox s : cri.listPodSandbox(PodSandboxFilter.newBuilder()
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build())) {
            String uid = s.getMetadata().getUid();
            String other = sandboxOfPod.get(uid);
            if (other != null && sandboxes.get(other).getCreatedAt() >= s.getCreatedAt()) continue;
            if (other != null) sandboxes.remove(other);
            sandboxOfPod.put(uid, s.getId());
            sandboxes.put(s.getId(), s);
        }
        Map<String, Container> running = new HashMap<>();
        for (Container c : cri.listContainers(ContainerFilter.newBuilder()
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING)).build())) {
            if (sandboxes.containsKey(c.getPodSandboxId())) running.put(c.getId(), c);
        }
        Map<String, List<ContainerStats>> bySandbox = new HashMap<>();
        for (dev.beluga.cri.v1.ContainerStats s : cri.listContainerStats(null)) {
            Container c = running.get(s.getAttributes().getId());
            if (c == null) continue;
            String name = c.getMetadata().getName().isEmpty()
                ? c.getLabelsOrDefault(RuntimeLabels.CONTAINER_NAME, "") : c.getMetadata().getName();
            String key = "container/" + c.getId();
            seen.add(key);
            bySandbox.computeIfAbsent(c.getPodSandboxId(), k -> new ArrayList<>())
                .add(new ContainerStats(name, nanos(c.getCreatedAt()), cpu(key, s.getCpu()), memory(s.getMemory())));
        }
        List<PodStats> pods = new ArrayList<>();
        for (PodSandbox s : sandboxes.values()) {
            List<ContainerStats> containers = bySandbox.getOrDefault(s.getId(), List.of());
            pods.add(new PodStats(new PodReference(s.getMetadata().getName(), s.getMetadata().getNamespace(),
                s.getMetadata().getUid()), nanos(s.getCreatedAt()), containers, podCpu(containers), podMemory(containers)));
        }
        seen.add("node");
        NodeStats node = node();
        rates.retain(seen);
        return new Summary(node, pods);
    }

    private NodeStats node() {
        Instant boot = machine.bootTime();
        try {
            MachineUsage.Reading r = machine.read();
            return new NodeStats(nodeName, boot, new CpuStats(r.time(), rates.rate("node", r.time(), r.cpuNanos()), r.cpuNanos()),
                new MemoryStats(r.time(), r.workingSetBytes(), r.usageBytes(), r.rssBytes(), Math.max(0, r.totalBytes() - r.workingSetBytes())));
        } catch (IOException | RuntimeException e) {
            log.warn("reading the usage of node {}'s machine: {}", nodeName, e.toString());
            return new NodeStats(nodeName, boot, null, null);
        }
    }

    private CpuStats cpu(String key, dev.beluga.cri.v1.CpuUsage cpu) {
        if (cpu == null || cpu.getTimestamp() <= 0 || !cpu.hasUsageCoreNanoSeconds()) return null;
        Instant time = nanos(cpu.getTimestamp());
        long cumulative = cpu.getUsageCoreNanoSeconds().getValue();
        return new CpuStats(time, rates.rate(key, time, cumulative), cumulative);
    }

    private static MemoryStats memory(dev.beluga.cri.v1.MemoryUsage memory) {
        if (memory == null || memory.getTimestamp() <= 0 || !memory.hasWorkingSetBytes()) return null;
        return new MemoryStats(nanos(memory.getTimestamp()), memory.getWorkingSetBytes().getValue(),
            memory.hasUsageBytes() ? memory.getUsageBytes().getValue() : null,
            memory.hasRssBytes() ? memory.getRssBytes().getValue() : null,
            memory.hasAvailableBytes() && memory.getAvailableBytes().getValue() > 0 ? memory.getAvailableBytes().getValue() : null);
    }

    /** The sum of the containers' CPU times; its rate is the sum of theirs (null unless every container has one). */
    private static CpuStats podCpu(List<ContainerStats> containers) {
        Instant time = null;
        long total = 0;
        long rate = 0;
        boolean allRates = true;
        for (ContainerStats c : containers) {
            if (c.cpu() == null) continue;
            total += c.cpu().usageCoreNanoSeconds();
            if (c.cpu().usageNanoCores() == null) allRates = false;
            else rate += c.cpu().usageNanoCores();
            if (time == null || c.cpu().time().isAfter(time)) time = c.cpu().time();
        }
        if (time == null) return null;
        return new CpuStats(time, allRates ? rate : null, total);
    }

    private static MemoryStats podMemory(List<ContainerStats> containers) {
        Instant time = null;
        long workingSet = 0;
        long usage = 0;
        boolean allUsage = true;
        for (ContainerStats c : containers) {
            if (c.memory() == null) continue;
            workingSet += c.memory().workingSetBytes();
            if (c.memory().usageBytes() == null) allUsage = false;
            else usage += c.memory().usageBytes();
            if (time == null || c.memory().time().isAfter(time)) time = c.memory().time();
        }
        if (time == null) return null;
        return new MemoryStats(time, workingSet, allUsage ? usage : null, null, null);
    }

    private static Instant nanos(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }
}
