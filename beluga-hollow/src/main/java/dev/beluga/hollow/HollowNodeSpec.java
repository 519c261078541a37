package dev.beluga.hollow;

import io.fabric8.kubernetes.api.model.Taint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What hollow nodes look like.
 *
 * @param count         how many nodes
 * @param namePrefix    nodes are named {@code prefix-0 .. prefix-(count-1)}
 * @param cpu           capacity and allocatable cpu (a quantity, e.g. {@code "4"})
 * @param memory        capacity and allocatable memory (e.g. {@code "32Gi"})
 * @param pods          pod capacity
 * @param zones         nodes are spread round-robin over {@code zone-0 .. zone-(zones-1)} in the
 *                      {@code topology.kubernetes.io/zone} label (0: no zone label)
 * @param labels        extra labels on every node
 * @param taints        taints on every node
 * @param leaseInterval how often each node's {@code kube-node-lease} Lease is renewed (zero: never, like kwok's
 *                      default; the kubelet's default is 10 s)
 * @param fakeKubelet   whether pods bound to these nodes are marked Running and Ready (and deleted pods finished)
 */
public record HollowNodeSpec(int count, String namePrefix, String cpu, String memory, int pods, int zones,
                             Map<String, String> labels, List<Taint> taints, Duration leaseInterval, boolean fakeKubelet) {
    public HollowNodeSpec {
        if (count < 0) throw new IllegalArgumentException("count must not be negative");
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    /** {@code count} nodes of 4 cpu, 32Gi, 110 pods in 3 zones, no leases, with the fake kubelet. */
    public static HollowNodeSpec of(int count, String namePrefix) {
        return new HollowNodeSpec(count, namePrefix, "4", "32Gi", 110, 3, Map.of(), List.of(), Duration.ZERO, true);
    }

    public HollowNodeSpec withCapacity(String cpu, String memory, int pods) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, leaseInterval, fakeKubelet);
    }

    public HollowNodeSpec withLabels(Map<String, String> labels) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, leaseInterval, fakeKubelet);
    }

    public HollowNodeSpec withTaints(List<Taint> taints) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, leaseInterval, fakeKubelet);
    }

    public HollowNodeSpec withZones(int zones) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, leaseInterval, fakeKubelet);
    }

    public HollowNodeSpec withLeaseInterval(Duration d) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, d, fakeKubelet);
    }

    public HollowNodeSpec withFakeKubelet(boolean on) {
        return new HollowNodeSpec(count, namePrefix, cpu, memory, pods, zones, labels, taints, leaseInterval, on);
    }

    /** The name of node {@code i}. */
    public String name(int i) {
        return namePrefix + "-" + i;
    }
}
