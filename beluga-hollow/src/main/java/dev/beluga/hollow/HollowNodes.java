package dev.beluga.hollow;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Nodes with no kubelet behind them, for scale tests and benchmarks (like kwok or kubemark's hollow nodes):
 * {@link #register()} creates the Node objects through the API (Ready, with capacity, labels, taints, addresses and
 * node info as a kubelet would report them), then keeps their Leases fresh if asked and, with the fake kubelet,
 * plays the kubelet's part for pods bound to them (see {@link FakeKubelet}).
 *
 * <p>Not a fake of the API: everything goes through the real API server. Threading: {@link #register()} once, then
 * {@link #close()}; creation runs on virtual threads, at most 32 requests in flight.
 */
public final class HollowNodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HollowNodes.class);
    private static final int IN_FLIGHT = 32;

    private final KubernetesClient client;
    private final HollowNodeSpec spec;
    private ScheduledExecutorService leases;
    private FakeKubelet kubelet;
    private final java.util.Map<String, Lease> lastLeases = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HollowNodes(KubernetesClient client, HollowNodeSpec spec) {
        this.client = client;
        this.spec = spec;
    }

    public HollowNodeSpec spec() {
        return spec;
    }

    /** Creates every node (an existing node of the same name is left as it is) and starts leases and the fake kubelet. */
    public void register() throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < spec.count(); i++) {
                int n = i;
                inFlight.acquire();
                done.add(pool.submit(() -> {
                    try {
                        create(n);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
        if (spec.fakeKubelet()) {
            kubelet = new FakeKubelet(client, spec.namePrefix() + "-");
            kubelet.start();
        }
        if (!spec.leaseInterval().isZero()) {
            leases = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("hollow-leases").factory());
            long ms = spec.leaseInterval().toMillis();
            leases.scheduleWithFixedDelay(this::renewLeases, ms, ms, TimeUnit.MILLISECONDS);
        }
        log.info("{} hollow nodes {}-0..{} registered", spec.count(), spec.namePrefix(), spec.count() - 1);
    }

    private void create(int i) {
        Node node = node(i);
        try {
            Node created = client.nodes().resource(node).create();
            if (created.getStatus() == null || created.getStatus().getCapacity() == null || created.getStatus().getCapacity().isEmpty()) {
                created.setStatus(node.getStatus());
                client.nodes().resource(created).updateStatus();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
        }
        if (!spec.leaseInterval().isZero()) renewLease(spec.name(i));
    }

    /** The Node object of hollow node {@code i}, as its kubelet would register it. */
    public Node node(int i) {
        String name = spec.name(i);
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("beluga.dev/hollow", "true");
        if (spec.zones() > 0) labels.put("topology.kubernetes.io/zone", "zone-" + (i % spec.zones()));
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(spec.cpu()), "memory", new Quantity(spec.memory()),
            "pods", new Quantity(Integer.toString(spec.pods())), "ephemeral-storage", new Quantity("100Gi"));
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = List.of(
            condition("Ready", "True", "KubeletReady", "hollow kubelet is posting ready status", now),
            condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "hollow kubelet has sufficient memory available", now),
            condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "hollow kubelet has no disk pressure", now),
            condition("PIDPressure", "False", "KubeletHasSufficientPID", "hollow kubelet has sufficient PID available", now));
        return new NodeBuilder()
            .withNewMetadata().withName(name).withLabels(labels).endMetadata()
            .withNewSpec().withTaints(spec.taints().isEmpty() ? null : spec.taints()).endSpec()
            .withNewStatus().withCapacity(capacity).withAllocatable(capacity).withConditions(conditions)
            .addNewAddress().withType("InternalIP").withAddress(fakeAddress(i)).endAddress()
            .addNewAddress().withType("Hostname").withAddress(name).endAddress()
            .withNewNodeInfo().withKubeletVersion("v1.32.0-hollow").withKubeProxyVersion("v1.32.0-hollow")
            .withOperatingSystem("linux").withArchitecture("amd64").withContainerRuntimeVersion("hollow://1.0")
            .withOsImage("hollow").withKernelVersion("hollow").withMachineID(name).withSystemUUID(name).withBootID(name)
            .endNodeInfo().endStatus().build();
    }

    /** An address from 10.64.0.0/10 that only names the node; nothing is ever sent to it. */
    static String fakeAddress(int i) {
        return "10." + (64 + (i >> 16)) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    private static NodeCondition condition(String type, String status, String reason, String message, String now) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
            .withLastHeartbeatTime(now).withLastTransitionTime(now).build();
    }

    /**
     * Renews every node's Lease, up to {@link #IN_FLIGHT} at once (each node's kubelet renews on its own, so a slow
     * API server must not make the last nodes of a long sequential round miss their grace period).
     */
    private void renewLeases() {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < spec.count(); i++) {
                String node = spec.name(i);
                if (silenced.contains(node)) continue;
                inFlight.acquireUninterruptibly();
                pool.submit(() -> {
                    try {
                        renewLease(node);
                    } catch (RuntimeException e) {
                        log.debug("renewing the lease of {} failed: {}", node, e.toString());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }

    /** Renews one Lease with one write: an update of the last copy written (re-read only after a conflict). */
    private void renewLease(String node) {
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        var leasesApi = client.leases().inNamespace("kube-node-lease");
        Lease last = lastLeases.get(node);
        if (last != null) {
            last.getSpec().setRenewTime(now);
            try {
                lastLeases.put(node, leasesApi.resource(last).update());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) throw e;
                lastLeases.remove(node);
            }
        }
        Lease existing = leasesApi.withName(node).get();
        if (existing == null) {
            lastLeases.put(node, leasesApi.resource(new LeaseBuilder().withNewMetadata().withName(node).withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds(40).withRenewTime(now).endSpec().build()).create());
        } else {
            existing.getSpec().setRenewTime(now);
            lastLeases.put(node, leasesApi.resource(existing).update());
        }
    }

    /** Stops renewing the node's Lease, as if its kubelet had died (for node-failure tests). */
    public void stopHeartbeat(String node) {
        silenced.add(node);
    }

    /** Deletes every hollow node (for tests that clean up after themselves). */
    public void deleteAll() {
        for (int i = 0; i < spec.count(); i++) client.nodes().withName(spec.name(i)).delete();
    }

    @Override
    public void close() {
        if (leases != null) leases.shutdownNow();
        if (kubelet != null) kubelet.close();
    }
}
