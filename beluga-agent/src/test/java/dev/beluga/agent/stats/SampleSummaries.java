package dev.beluga.agent.stats;

import dev.beluga.agent.stats.Summary.ContainerStats;
import dev.beluga.agent.stats.Summary.CpuStats;
import dev.beluga.agent.stats.Summary.MemoryStats;
import dev.beluga.agent.stats.Summary.NodeStats;
import dev.beluga.agent.stats.Summary.PodReference;
import dev.beluga.agent.stats.Summary.PodStats;

import java.time.Instant;
import java.util.List;

/** A fixed summary for format tests: a node, a pod with two containers, a pod with none running. */
public final class SampleSummaries {
    public static final Instant T = Instant.parse("2024-05-01T10:00:00.123456789Z");

    private SampleSummaries() {
    }

    public static Summary sample() {
        ContainerStats app = new ContainerStats("app", Instant.parse("2024-05-01T09:30:00Z"),
            new CpuStats(T, 100_000_000L, 1_500_000_000L), new MemoryStats(T, 13_754_368, 20_000_000L, 8_000_000L, null));
        ContainerStats sidecar = new ContainerStats("side\"car", Instant.parse("2024-05-01T09:30:01.5Z"),
            new CpuStats(T.plusMillis(2), null, 73_596_000L), new MemoryStats(T.plusMillis(2), 1000, null, null, 52_000L));
        PodStats web = new PodStats(new PodReference("web", "default", "u-1"), Instant.parse("2024-05-01T09:29:59Z"),
            List.of(app, sidecar), new CpuStats(T.plusMillis(2), null, 1_573_596_000L),
            new MemoryStats(T.plusMillis(2), 13_755_368, null, null, null));
        PodStats idle = new PodStats(new PodReference("dns", "kube-system", "u-2"), Instant.parse("2024-05-01T09:00:00Z"),
            List.of(), null, null);
        NodeStats node = new NodeStats("node-1", Instant.parse("2024-05-01T08:00:00Z"),
            new CpuStats(T, 250_000_000L, 12_345_000_000_000L),
            new MemoryStats(T, 1_262_211_072L, 2_000_000_000L, 500_000_000L, 1_000_000_000L));
        return new Summary(node, List.of(web, idle));
    }
}
