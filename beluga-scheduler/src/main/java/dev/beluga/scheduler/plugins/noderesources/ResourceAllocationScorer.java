package dev.beluga.scheduler.plugins.noderesources;

import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.util.ResourceNames;

import java.util.List;

/**
 * Shared scoring frame of NodeResourcesFit and NodeResourcesBalancedAllocation (upstream
 * {@code resourceAllocationScorer}): per configured resource, the node's allocatable and what would be requested with
 * the pod; extended resources the pod does not request are left out.
 *
 * <p>With {@code useRequested} false, cpu and memory use the non-zero requests (100m / 200 MiB for containers that
 * request none), as LeastAllocated and MostAllocated do; BalancedAllocation uses the actual requests. Immutable.
 */
final class ResourceAllocationScorer {
    /** The strategy: requested and allocatable per resource (index-aligned with the specs) to a 0-100 score. */
    interface Strategy {
        long score(long[] requested, long[] allocatable);
    }

    private final List<ResourceSpec> resources;
    private final boolean useRequested;
    private final Strategy strategy;

    ResourceAllocationScorer(List<ResourceSpec> resources, boolean useRequested, Strategy strategy) {
        this.resources = resources;
        this.useRequested = useRequested;
        this.strategy = strategy;
    }

    List<ResourceSpec> resources() {
        return resources;
    }

    /** The pod's request of each configured resource. */
    long[] podRequests(PodInfo pod) {
        long[] out = new long[resources.size()];
        for (int i = 0; i < out.length; i++) {
            String name = resources.get(i).name();
            out[i] = switch (name) {
                case ResourceNames.CPU -> useRequested ? pod.requests().milliCpu : pod.nonZeroMilliCpu();
                case ResourceNames.MEMORY -> useRequested ? pod.requests().memory : pod.nonZeroMemory();
                default -> pod.requests().get(name);
            };
        }
        return out;
    }

    long score(NodeInfo ni, long[] podRequests) {
        int n = resources.size();
        long[] requested = new long[n];
        long[] allocatable = new long[n];
        for (int i = 0; i < n; i++) {
            String name = resources.get(i).name();
            long podReq = podRequests[i];
            if (podReq == 0 && ResourceNames.isScalar(name)) continue;
            switch (name) {
                case ResourceNames.CPU -> {
                    allocatable[i] = ni.allocatable().milliCpu;
                    requested[i] = (useRequested ? ni.requested().milliCpu : ni.nonZeroMilliCpu()) + podReq;
                }
                case ResourceNames.MEMORY -> {
                    allocatable[i] = ni.allocatable().memory;
                    requested[i] = (useRequested ? ni.requested().memory : ni.nonZeroMemory()) + podReq;
                }
                case ResourceNames.EPHEMERAL_STORAGE -> {
                    allocatable[i] = ni.allocatable().ephemeralStorage;
                    requested[i] = ni.requested().ephemeralStorage + podReq;
                }
                default -> {
                    if (ni.allocatable().hasScalar(name)) {
                        allocatable[i] = ni.allocatable().scalar(name);
                        requested[i] = ni.requested().scalar(name) + podReq;
                    }
                }
            }
        }
        return strategy.score(requested, allocatable);
    }
}
