package dev.beluga.apiserver.metrics;

import java.time.Instant;

/**
 * One sample of a node or container, as scraped from its kubelet.
 *
 * @param startTime    when the container started (its cumulative CPU time was zero then); null when not reported
 *                     (nodes)
 * @param timestamp    when the kubelet took the sample
 * @param cpuNanos     cumulative CPU time at {@code timestamp}, core-nanoseconds
 * @param memoryBytes  the memory working set at {@code timestamp}
 */
record MetricsPoint(Instant startTime, Instant timestamp, long cpuNanos, long memoryBytes) {
}
