package dev.beluga.scheduler.framework.runtime;

import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.PodNominator;
import dev.beluga.scheduler.listers.ClusterListers;

import java.time.Clock;

/** What every profile's framework shares: the snapshot, listers, clients, nominator, threads and clock. Immutable. */
public record FrameworkContext(NodeInfoLister snapshot, ClusterListers listers, SchedulerClients clients,
                               PodNominator nominator, Parallelizer parallelizer, Clock clock, WaitingPods waitingPods) {
}
