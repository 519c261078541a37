package dev.beluga.controllers.nodelifecycle;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Node health (upstream's node lifecycle controller): a node whose kubelet has neither renewed its
 * {@code kube-node-lease} Lease nor posted its Ready condition within the grace period (40 s by default) gets its
 * Ready, MemoryPressure, DiskPressure and PIDPressure conditions set to Unknown ({@code NodeStatusUnknown}, "Kubelet
 * stopped posting node status."); and every node's taints follow its Ready condition — Ready=False gives
 * {@code node.kubernetes.io/not-ready}, Ready=Unknown {@code node.kubernetes.io/unreachable}, each with effects
 * NoSchedule and NoExecute (with {@code timeAdded}) — removed again when the node is Ready. Evicting the pods is the
 * {@link TaintEvictionController}'s job. Every node is looked at again every {@link #MONITOR_PERIOD}.
 */
public final class NodeLifecycleController implements Controller {
    static final Duration MONITOR_PERIOD = Duration.ofSeconds(5);
    private final Duration gracePeriod;
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    public NodeLifecycleController(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
    }

    public NodeLifecycleController() {
        this(Duration.ofSeconds(40));
    }

    @Override
    public String name() {
        return "node-lifecycle-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(Lease.class);
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                queue.add(n.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!Objects.equals(ready(o), ready(n))) queue.add(n.getMetadata().getName());
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
            }
        });
    }

    private static String ready(Node n) {
        NodeCondition c = condition(n, "Ready");
        return c == null ? null : c.getStatus();
    }

    static NodeCondition condition(Node n, String type) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) return null;
        for (NodeCondition c : n.getStatus().getConditions()) if (type.equals(c.getType())) return c;
        return null;
    }

    @Override
    public void reconcile(String name) {
        Node node = ctx.informers().get(Node.class, null, name);
        if (node == null) return;
        try {
            Instant now = ctx.clock().instant();
            Instant heartbeat = lastHeartbeat(node);
            NodeCondition readyCondition = condition(node, "Ready");
            boolean stale = heartbeat == null ? node.getMetadata().getCreationTimestamp() != null
                && Instant.parse(node.getMetadata().getCreationTimestamp()).plus(gracePeriod).isBefore(now)
                : heartbeat.plus(gracePeriod).isBefore(now);
            if (stale && (readyCondition == null || !"Unknown".equals(readyCondition.getStatus()))) {
                markUnknown(node, now);
                return; // the update brings the node back with its new condition
            }
            syncTaints(node, readyCondition == null ? "Unknown" : readyCondition.getStatus(), now);
        } finally {
            queue.addAfter(name, MONITOR_PERIOD);
        }
    }

    /** The later of the lease's renew time and the Ready condition's heartbeat, or null. */
    private Instant lastHeartbeat(Node node) {
        Instant t = null;
        NodeCondition ready = condition(node, "Ready");
        if (ready != null && ready.getLastHeartbeatTime() != null) t = Instant.parse(ready.getLastHeartbeatTime());
        Lease lease = ctx.informers().get(Lease.class, "kube-node-lease", node.getMetadata().getName());
        if (lease != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
            ZonedDateTime renew = lease.getSpec().getRenewTime();
            Instant r = renew.toInstant();
            if (t == null || r.isAfter(t)) t = r;
        }
        return t;
    }

    private void markUnknown(Node node, Instant now) {
        String ts = now.toString();
        List<NodeCondition> conditions = new ArrayList<>();
        List<String> types = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
        if (node.getStatus().getConditions() != null)
            for (NodeCondition c : node.getStatus().getConditions()) if (!types.contains(c.getType())) conditions.add(c);
        for (String type : types) {
            NodeCondition old = condition(node, type);
            conditions.add(new NodeConditionBuilder().withType(type).withStatus("Unknown").withReason("NodeStatusUnknown")
                .withMessage("Kubelet stopped posting node status.")
                .withLastHeartbeatTime(old == null ? ts : old.getLastHeartbeatTime()).withLastTransitionTime(ts).build());
        }
        node.getStatus().setConditions(conditions);
        ctx.client().nodes().resource(node).updateStatus();
        ctx.events().event(node, name(), EventRecorder.NORMAL, "NodeNotReady", "Node " + node.getMetadata().getName() + " status is now: NodeNotReady");
    }

    private void syncTaints(Node node, String ready, Instant now) {
        List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        String wanted = switch (ready) {
            case "True" -> null;
            case "False" -> Taints.NOT_READY;
            default -> Taints.UNREACHABLE;
        };
        List<Taint> next = new ArrayList<>();
        for (Taint t : current)
            if (!(Taints.NOT_READY.equals(t.getKey()) || Taints.UNREACHABLE.equals(t.getKey())) || t.getKey().equals(wanted)) next.add(t);
        if (wanted != null) {
            for (String effect : List.of("NoSchedule", "NoExecute")) {
                boolean present = next.stream().anyMatch(t -> wanted.equals(t.getKey()) && effect.equals(t.getEffect()));
                if (!present) next.add(new TaintBuilder().withKey(wanted).withEffect(effect)
                    .withTimeAdded("NoExecute".equals(effect) ? now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString() : null).build());
            }
        }
        if (next.equals(current)) return;
        try {
            ctx.client().nodes().withName(node.getMetadata().getName()).edit(n -> {
                if (n.getSpec() == null) n.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
                n.getSpec().setTaints(next.isEmpty() ? null : next);
                return n;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) throw e;
        }
    }
}
