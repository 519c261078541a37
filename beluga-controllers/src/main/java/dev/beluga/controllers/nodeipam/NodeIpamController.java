package dev.beluga.controllers.nodeipam;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pod CIDRs for nodes (upstream's node IPAM controller, range allocator): every node without {@code spec.podCIDR}
 * gets the lowest free block of the cluster CIDR ({@code 10.42.0.0/16} split into {@code /24}s by default, as k3s),
 * set once (the field is immutable). A block is free when no node in the cache has it and it was not just given to a
 * node the cache does not show with it yet. One worker, so two nodes never get the same block; after a restart the
 * blocks in use are read back from the nodes.
 */
public final class NodeIpamController implements Controller {
    private final PodCidrs cidrs;
    /** Blocks given out whose node the cache does not show with it yet (only the single worker touches this). */
    private final java.util.Map<String, String> pending = new java.util.HashMap<>();
    private ControllerContext ctx;

    public NodeIpamController(PodCidrs cidrs) {
        this.cidrs = cidrs;
    }

    public NodeIpamController() {
        this(PodCidrs.parse("10.42.0.0/16", 24));
    }

    @Override
    public String name() {
        return "node-ipam-controller";
    }

    @Override
    public int workers() {
        return 1;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                if (n.getSpec() == null || n.getSpec().getPodCIDR() == null) queue.add(n.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node o, Node n) {
                onAdd(n);
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
            }
        });
    }

    @Override
    public void reconcile(String name) {
        Node node = ctx.informers().get(Node.class, null, name);
        if (node == null || (node.getSpec() != null && node.getSpec().getPodCIDR() != null)) return;
        Set<String> used = new HashSet<>();
        for (Node n : ctx.informers().list(Node.class))
            if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) used.add(n.getSpec().getPodCIDR());
        // the cache may not show the block just given to another node yet: count those too
        pending.keySet().removeIf(n -> {
            Node cached = ctx.informers().get(Node.class, null, n);
            return cached == null || (cached.getSpec() != null && cached.getSpec().getPodCIDR() != null);
        });
        used.addAll(pending.values());
        String cidr = cidrs.firstFree(used);
        if (cidr == null) {
            ctx.events().event(node, name(), EventRecorder.WARNING, "CIDRNotAvailable",
                "Node " + name + " status is now: CIDRNotAvailable");
            throw new IllegalStateException("no pod CIDR left for node " + name);
        }
        try {
            ctx.client().nodes().withName(name).edit(n -> {
                if (n.getSpec() == null) n.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
                if (n.getSpec().getPodCIDR() == null) {
                    n.getSpec().setPodCIDR(cidr);
                    n.getSpec().setPodCIDRs(List.of(cidr));
                }
                return n;
            });
            pending.put(name, cidr);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }
}
