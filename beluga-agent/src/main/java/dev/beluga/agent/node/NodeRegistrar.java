package dev.beluga.agent.node;

import dev.beluga.agent.AgentSerialization;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers the agent's Node and keeps its status current, as upstream's kubelet does: the Node is created with
 * labels, capacity, allocatable, addresses, the kubelet endpoint and node info (an existing Node of the same name is
 * taken over and its status replaced); afterwards {@link #reportStatus()} is called every 10 s and writes the status
 * only when a condition changed or the last write is older than the report frequency (5 min upstream), since the
 * Lease carries the heartbeat.
 *
 * <p>Threading: {@link #register()} once, then {@link #reportStatus()} from one thread at a time.
 */
public final class NodeRegistrar {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistrar.class);
    /** Upstream's default memory.available hard eviction threshold, kept out of allocatable. */
    static final long EVICTION_MEMORY_BYTES = 100L * 1024 * 1024;

    /** What the node looks like; computed by the agent. */
    public record Spec(String name, Map<String, String> labels, MachineInfo machine, String internalIp, int kubeletPort,
                       int maxPods, String runtimeVersion, String kubeletVersion) {}

    private final KubernetesClient client;
    private final Spec spec;
    private final Supplier<String> runtimeProblem;
    private final Duration reportFrequency;
    private List<NodeCondition> lastConditions = List.of();
    private Instant lastReport = Instant.EPOCH;

    /**
     * @param runtimeProblem empty when the runtime (and its network) is ready, else the message for Ready=False
     */
    public NodeRegistrar(KubernetesClient client, Spec spec, Supplier<String> runtimeProblem, Duration reportFrequency) {
        this.client = client;
        this.spec = spec;
        this.runtimeProblem = runtimeProblem;
        this.reportFrequency = reportFrequency;
    }

    /** Creates the Node (or takes over an existing one) with a full status; returns the Node as stored. */
    public Node register() {
        Node desired = node();
        Node stored;
        try {
            stored = client.nodes().resource(desired).create();
            log.info("registered node {}", spec.name());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
            stored = takeOver(desired);
            log.info("node {} already registered; taking it over", spec.name());
        }
        lastConditions = desired.getStatus().getConditions();
        // a patch, not an update: the node IPAM controller may already have changed the Node (its pod CIDR)
        stored = patchStatus(desired.getStatus());
        lastReport = Instant.now();
        return stored;
    }

    /** Writes the status if a condition changed or the last write is older than the report frequency. */
    public void reportStatus() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = NodeConditions.compute(runtimeProblem.get(), lastConditions, now);
        boolean due = Duration.between(lastReport, Instant.now()).compareTo(reportFrequency) >= 0;
        if (!due && !NodeConditions.changed(conditions, lastConditions)) return;
        patchStatus(status(conditions));
        if (NodeConditions.changed(conditions, lastConditions)) {
            log.info("node {} conditions now {}", spec.name(), conditions.stream().map(c -> c.getType() + "=" + c.getStatus()).toList());
        }
        lastConditions = conditions;
        lastReport = Instant.now();
    }

    /** Adds the agent's labels to an existing Node, re-reading it after a conflict (others write Nodes too). */
    private Node takeOver(Node desired) {
        for (int attempt = 0; ; attempt++) {
            Node existing = client.nodes().withName(spec.name()).get();
            Map<String, String> labels = new LinkedHashMap<>(existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels());
            labels.putAll(desired.getMetadata().getLabels());
            existing.getMetadata().setLabels(labels);
            try {
                return client.nodes().resource(existing).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) throw e;
            }
        }
    }

    private Node patchStatus(NodeStatus status) {
        String patch = "{\"status\":" + AgentSerialization.INSTANCE.asJson(status) + "}";
        return client.nodes().resource(new NodeBuilder().withNewMetadata().withName(spec.name()).endMetadata().build())
            .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
    }

    /** The Node as this agent registers it. */
    public Node node() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", spec.name());
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.putAll(spec.labels());
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new NodeBuilder()
            .withNewMetadata().withName(spec.name()).withLabels(labels)
            .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
            .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true").endMetadata()
            .withNewSpec().endSpec()
            .withStatus(status(NodeConditions.compute(runtimeProblem.get(), List.of(), now)))
            .build();
    }

    private NodeStatus status(List<NodeCondition> conditions) {
        MachineInfo m = spec.machine();
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(m.cpus())));
        capacity.put("ephemeral-storage", new Quantity((m.ephemeralStorageBytes() / 1024) + "Ki"));
        capacity.put("memory", new Quantity((m.memoryBytes() / 1024) + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(spec.maxPods())));
        Map<String, Quantity> allocatable = new LinkedHashMap<>(capacity);
        allocatable.put("memory", new Quantity(((m.memoryBytes() - EVICTION_MEMORY_BYTES) / 1024) + "Ki"));
        allocatable.put("ephemeral-storage", new Quantity(Long.toString(m.ephemeralStorageBytes() / 10 * 9)));
        return new NodeStatusBuilder().withCapacity(capacity).withAllocatable(allocatable).withConditions(conditions)
            .addNewAddress().withType("InternalIP").withAddress(spec.internalIp()).endAddress()
            .addNewAddress().withType("Hostname").withAddress(spec.name()).endAddress()
            .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(spec.kubeletPort()).endKubeletEndpoint().endDaemonEndpoints()
            .withNewNodeInfo().withMachineID(m.machineId()).withSystemUUID(m.machineId()).withBootID(m.bootId())
            .withKernelVersion(m.kernelVersion()).withOsImage(m.osImage()).withContainerRuntimeVersion(spec.runtimeVersion())
            .withKubeletVersion(spec.kubeletVersion()).withKubeProxyVersion(spec.kubeletVersion())
            .withOperatingSystem("linux").withArchitecture("amd64").endNodeInfo()
            .build();
    }
}
