package dev.beluga.apiserver.metrics;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one kubelet's {@code /metrics/resource} says, decoded as metrics-server decodes it:
 *
 * <ul>
 *   <li>the node: {@code node_cpu_usage_seconds_total} and {@code node_memory_working_set_bytes}; dropped (null) unless
 *       both are there and non-zero;</li>
 *   <li>containers: {@code container_cpu_usage_seconds_total}, {@code container_memory_working_set_bytes} and
 *       {@code container_start_time_seconds} by their {@code namespace}, {@code pod} and {@code container} labels; a
 *       pod is dropped entirely when one of its containers lacks a non-zero CPU time or working set;</li>
 *   <li>a point's time is its samples' timestamp, or the time of the request for samples without one; when CPU and
 *       memory differ the later line's wins (memory's, which follows CPU in a kubelet's output), as in
 *       metrics-server.</li>
 * </ul>
 * Other metrics ({@code pod_*}, {@code resource_scrape_error}) are not read: pods' usage is their containers'.
 *
 * @param node the node's point, or null
 * @param pods each pod's containers' points, by container name
 */
record KubeletMetrics(MetricsPoint node, Map<PodName, Map<String, MetricsPoint>> pods) {

    /** A pod's namespace and name. */
    record PodName(String namespace, String name) {
    }

    private static final class Partial {
        Instant startTime;
        Instant timestamp;
        long cpuNanos;
        long memoryBytes;
    }

    /**
     * Decodes {@code text}.
     *
     * @param requestTime the time of samples without a timestamp
     * @throws IllegalArgumentException when it is not the Prometheus text format
     */
    static KubeletMetrics decode(String text, Instant requestTime) {
        Partial node = new Partial();
        Map<PodName, Map<String, Partial>> pods = new LinkedHashMap<>();
        for (PrometheusText.Sample s : PrometheusText.parse(text)) {
            Instant time = s.timestampMillis() == null ? requestTime : Instant.ofEpochMilli(s.timestampMillis());
            switch (s.name()) {
                case "node_cpu_usage_seconds_total" -> {
                    node.cpuNanos = (long) (s.value() * 1e9);
                    node.timestamp = time;
                }
                case "node_memory_working_set_bytes" -> {
                    node.memoryBytes = (long) s.value();
                    node.timestamp = time;
                }
                case "container_cpu_usage_seconds_total" -> {
                    Partial c = container(pods, s);
                    c.cpuNanos = (long) (s.value() * 1e9);
                    c.timestamp = time;
                }
                case "container_memory_working_set_bytes" -> {
                    Partial c = container(pods, s);
                    c.memoryBytes = (long) s.value();
                    c.timestamp = time;
                }
                case "container_start_time_seconds" ->
                    container(pods, s).startTime = Instant.ofEpochSecond(0, (long) (s.value() * 1e9));
                default -> { }
            }
        }
        MetricsPoint nodePoint = node.timestamp == null || node.cpuNanos == 0 || node.memoryBytes == 0 ? null
            : new MetricsPoint(null, node.timestamp, node.cpuNanos, node.memoryBytes);
        Map<PodName, Map<String, MetricsPoint>> complete = new HashMap<>();
        pods.forEach((pod, containers) -> {
            Map<String, MetricsPoint> points = new HashMap<>();
            for (Map.Entry<String, Partial> e : containers.entrySet()) {
                Partial c = e.getValue();
                if (c.timestamp == null || c.cpuNanos == 0 || c.memoryBytes == 0) return; // incomplete: the pod is dropped
                points.put(e.getKey(), new MetricsPoint(c.startTime, c.timestamp, c.cpuNanos, c.memoryBytes));
            }
            if (!points.isEmpty()) complete.put(pod, Map.copyOf(points));
        });
        return new KubeletMetrics(nodePoint, Map.copyOf(complete));
    }

    private static Partial container(Map<PodName, Map<String, Partial>> pods, PrometheusText.Sample s) {
        PodName pod = new PodName(s.labels().getOrDefault("namespace", ""), s.labels().getOrDefault("pod", ""));
        return pods.computeIfAbsent(pod, k -> new LinkedHashMap<>())
            .computeIfAbsent(s.labels().getOrDefault("container", ""), k -> new Partial());
    }
}
