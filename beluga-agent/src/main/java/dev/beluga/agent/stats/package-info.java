/**
 * The node's resource usage as the kubelet reports it: a {@link dev.beluga.agent.stats.Summary} of the node and its
 * pods' containers (cumulative CPU time, CPU rate, memory working set), read by
 * {@link dev.beluga.agent.stats.StatsProvider} from the runtime (CRI {@code ListContainerStats}) and the machine
 * ({@link dev.beluga.agent.stats.MachineUsage}), and written as upstream's Summary API JSON
 * ({@link dev.beluga.agent.stats.SummaryJson}, {@code /stats/summary}) and resource metrics
 * ({@link dev.beluga.agent.stats.ResourceMetricsText}, {@code /metrics/resource}, what metrics-server scrapes).
 */
package dev.beluga.agent.stats;
