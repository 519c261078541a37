package dev.beluga.apiserver.metrics;

import dev.beluga.apiserver.metrics.KubeletMetrics.PodName;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last two samples of every node and container, and the usage computed from them as metrics-server computes it:
 * CPU is the cumulative CPU time used between the two samples divided by the time between them (nanocores), memory
 * the last working set; the {@code window} is the time between the samples, the {@code timestamp} the last one's.
 *
 * <ul>
 *   <li>{@link #store} replaces the last samples with a scrape's: a node or container missing from it is forgotten
 *       (it must be sampled twice again); a new sample becomes the last and the previous last becomes the previous
 *       when it is newer, otherwise the previous stays if it is older than the new one;</li>
 *   <li>a container that restarted (its start time not before the last sample) starts over;</li>
 *   <li>a container that started between {@link #FRESH_CONTAINER_MIN_AGE} and one resolution before its first
 *       sample gets a made-up previous sample at its start time with no CPU used, so it has figures after a single
 *       scrape;</li>
 *   <li>a pod has figures only when every container of its last sample has two; a CPU time that went down or a start
 *       time that went back yields no figures for that node or container.</li>
 * </ul>
 * Thread-safe.
 */
final class MetricsStorage {
    /** A container younger than this at its first sample gets no made-up previous sample (too inaccurate). */
    static final Duration FRESH_CONTAINER_MIN_AGE = Duration.ofSeconds(10);

    /**
     * Usage over a window.
     *
     * @param timestamp   the last sample's time
     * @param window      the time between the two samples
     * @param cpuNanoCores CPU, billionths of a core
     * @param memoryBytes the last working set
     */
    record Usage(Instant timestamp, Duration window, long cpuNanoCores, long memoryBytes) {
    }

    /** One container's usage. */
    record ContainerUsage(String name, long cpuNanoCores, long memoryBytes) {
    }

    /** A pod's containers' usage; timestamp and window are those of its container with the earliest timestamp. */
    record PodUsage(Instant timestamp, Duration window, List<ContainerUsage> containers) {
    }

    private final Duration resolution;
    private Map<String, MetricsPoint> lastNodes = Map.of();
    private Map<String, MetricsPoint> prevNodes = Map.of();
    private Map<PodName, Map<String, MetricsPoint>> lastPods = Map.of();
    private Map<PodName, Map<String, MetricsPoint>> prevPods = Map.of();

    /** @param resolution how often nodes are scraped */
    MetricsStorage(Duration resolution) {
        this.resolution = resolution;
    }

    /** Takes one scrape of all nodes. */
    synchronized void store(Map<String, MetricsPoint> nodes, Map<PodName, Map<String, MetricsPoint>> pods) {
        Map<String, MetricsPoint> newPrevNodes = new HashMap<>();
        nodes.forEach((name, point) -> {
            MetricsPoint prev = previous(lastNodes.get(name), prevNodes.get(name), point);
            if (prev != null) newPrevNodes.put(name, prev);
        });
        Map<PodName, Map<String, MetricsPoint>> newPrevPods = new HashMap<>();
        pods.forEach((pod, containers) -> {
            Map<String, MetricsPoint> lastPod = lastPods.getOrDefault(pod, Map.of());
            Map<String, MetricsPoint> prevPod = prevPods.getOrDefault(pod, Map.of());
            Map<String, MetricsPoint> prev = new HashMap<>();
            containers.forEach((name, point) -> {
                MetricsPoint p = previousOfContainer(lastPod.get(name), prevPod.get(name), point);
                if (p != null) prev.put(name, p);
            });
            if (!prev.isEmpty()) newPrevPods.put(pod, Map.copyOf(prev));
        });
        lastNodes = Map.copyOf(nodes);
        prevNodes = Map.copyOf(newPrevNodes);
        lastPods = Map.copyOf(pods);
        prevPods = Map.copyOf(newPrevPods);
    }

    /** The previous sample to keep beside {@code point}: the stored last if older, else the stored previous if older. */
    private static MetricsPoint previous(MetricsPoint last, MetricsPoint prev, MetricsPoint point) {
        if (last == null) return null;
        if (point.timestamp().isAfter(last.timestamp())) return last;
        if (prev != null && prev.timestamp().isBefore(point.timestamp())) return prev;
        return null;
    }

    private MetricsPoint previousOfContainer(MetricsPoint last, MetricsPoint prev, MetricsPoint point) {
        Instant start = point.startTime();
        if (start != null && start.isBefore(point.timestamp())) {
            Duration age = Duration.between(start, point.timestamp());
            if (age.compareTo(resolution) < 0 && age.compareTo(FRESH_CONTAINER_MIN_AGE) >= 0)
                return new MetricsPoint(start, start, 0, point.memoryBytes());
        }
        if (last == null) return null;
        boolean sameInstance = start == null || start.isBefore(last.timestamp());
        return sameInstance ? previous(last, prev, point) : null;
    }

    /** The node's usage, if it has two samples. */
    synchronized Optional<Usage> node(String name) {
        MetricsPoint last = lastNodes.get(name);
        MetricsPoint prev = prevNodes.get(name);
        return last == null || prev == null ? Optional.empty() : usage(last, prev);
    }

    /** The pod's usage, if every container of its last sample has two. */
    synchronized Optional<PodUsage> pod(PodName pod) {
        Map<String, MetricsPoint> last = lastPods.get(pod);
        Map<String, MetricsPoint> prev = prevPods.get(pod);
        if (last == null || prev == null) return Optional.empty();
        List<ContainerUsage> containers = new ArrayList<>();
        Usage earliest = null;
        for (Map.Entry<String, MetricsPoint> e : last.entrySet()) {
            MetricsPoint p = prev.get(e.getKey());
            if (p == null) return Optional.empty();
            Optional<Usage> u = usage(e.getValue(), p);
            if (u.isEmpty()) continue;
            containers.add(new ContainerUsage(e.getKey(), u.get().cpuNanoCores(), u.get().memoryBytes()));
            if (earliest == null || earliest.timestamp().isAfter(u.get().timestamp())) earliest = u.get();
        }
        if (earliest == null) return Optional.empty();
        containers.sort(Comparator.comparing(ContainerUsage::name));
        return Optional.of(new PodUsage(earliest.timestamp(), earliest.window(), List.copyOf(containers)));
    }

    /** Usage between two samples; empty when the start time went back, the CPU time went down or no time passed. */
    static Optional<Usage> usage(MetricsPoint last, MetricsPoint prev) {
        if (last.startTime() != null && prev.startTime() != null && last.startTime().isBefore(prev.startTime()))
            return Optional.empty();
        if (last.cpuNanos() < prev.cpuNanos()) return Optional.empty();
        Duration window = Duration.between(prev.timestamp(), last.timestamp());
        if (window.isNegative() || window.isZero()) return Optional.empty();
        long cpu = (long) ((last.cpuNanos() - prev.cpuNanos()) / (window.toNanos() / 1e9));
        return Optional.of(new Usage(last.timestamp(), window, cpu, last.memoryBytes()));
    }
}
