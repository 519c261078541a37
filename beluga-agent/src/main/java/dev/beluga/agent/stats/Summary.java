package dev.beluga.agent.stats;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the node uses at one moment (upstream's Summary API, {@code k8s.io/kubelet/pkg/apis/stats/v1alpha1}, CPU and
 * memory only). Immutable; a field documented as nullable is null when unknown and then left out of the JSON and the
 * metrics.
 *
 * @param node the node's own figures
 * @param pods the pods with a ready sandbox, in the runtime's order
 */
public record Summary(NodeStats node, List<PodStats> pods) {
    public Summary {
        Objects.requireNonNull(node, "node");
        pods = List.copyOf(pods);
    }

    /**
     * CPU usage.
     *
     * @param time                 when it was read
     * @param usageNanoCores       the rate over the last sampling window, in billionths of a core; null before a
     *                             second sample
     * @param usageCoreNanoSeconds CPU time since the object started, summed over all cores
     */
    public record CpuStats(Instant time, Long usageNanoCores, long usageCoreNanoSeconds) {
        public CpuStats {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * Memory usage.
     *
     * @param time            when it was read
     * @param workingSetBytes usage minus inactive file pages (what {@code kubectl top} shows)
     * @param usageBytes      everything charged, page cache included; nullable
     * @param rssBytes        anonymous memory and swap cache; nullable
     * @param availableBytes  the limit minus the working set; null without a limit
     */
    public record MemoryStats(Instant time, long workingSetBytes, Long usageBytes, Long rssBytes, Long availableBytes) {
        public MemoryStats {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * One container.
     *
     * @param name      the container's name in the pod spec
     * @param startTime when the runtime created it
     * @param cpu       nullable
     * @param memory    nullable
     */
    public record ContainerStats(String name, Instant startTime, CpuStats cpu, MemoryStats memory) {
    }

    /** Which pod. */
    public record PodReference(String name, String namespace, String uid) {
    }

    /**
     * One pod: its running containers, and their sums (the pod cgroup is not read, see {@link StatsProvider}).
     *
     * @param startTime when its sandbox was created
     * @param cpu       nullable (no running container)
     * @param memory    nullable (no running container)
     */
    public record PodStats(PodReference podRef, Instant startTime, List<ContainerStats> containers, CpuStats cpu,
                           MemoryStats memory) {
        public PodStats {
            containers = List.copyOf(containers);
        }
    }

    /**
     * The node (the whole machine, as upstream's kubelet reports its root cgroup).
     *
     * @param startTime when the machine booted
     * @param cpu       nullable
     * @param memory    nullable
     */
    public record NodeStats(String nodeName, Instant startTime, CpuStats cpu, MemoryStats memory) {
    }
}
