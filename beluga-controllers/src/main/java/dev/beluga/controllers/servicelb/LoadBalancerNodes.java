package dev.beluga.controllers.servicelb;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which node addresses a LoadBalancer Service is reachable on, as k3s's ServiceLB publishes them: every Ready,
 * schedulable node not labelled {@value #EXCLUDE_LABEL} contributes its ExternalIP, or its InternalIP when it has no
 * ExternalIP. Pure functions.
 */
final class LoadBalancerNodes {
    /** Upstream's label for nodes that external load balancers must not use. */
    static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

    private LoadBalancerNodes() {
    }

    /** The address {@code node} serves load balancers on, or null if it serves none. */
    static String address(Node node) {
        if (node == null || node.getMetadata().getDeletionTimestamp() != null) return null;
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) return null;
        if (node.getMetadata().getLabels() != null && node.getMetadata().getLabels().containsKey(EXCLUDE_LABEL)) return null;
        if (node.getStatus() == null || !ready(node)) return null;
        String internal = null;
        for (NodeAddress a : node.getStatus().getAddresses() == null ? List.<NodeAddress>of() : node.getStatus().getAddresses()) {
            if ("ExternalIP".equals(a.getType()) && a.getAddress() != null && !a.getAddress().isEmpty()) return a.getAddress();
            if ("InternalIP".equals(a.getType()) && internal == null && a.getAddress() != null && !a.getAddress().isEmpty())
                internal = a.getAddress();
        }
        return internal;
    }

    /** The distinct addresses of {@code nodes}, in numeric order (IPv4 before IPv6). */
    static List<String> addresses(Collection<Node> nodes) {
        return nodes.stream().map(LoadBalancerNodes::address).filter(Objects::nonNull).distinct()
            .sorted(Comparator.comparing(LoadBalancerNodes::sortKey)).toList();
    }

    private static boolean ready(Node node) {
        if (node.getStatus().getConditions() == null) return false;
        for (NodeCondition c : node.getStatus().getConditions())
            if ("Ready".equals(c.getType())) return "True".equals(c.getStatus());
        return false;
    }

    /** IPv4 addresses as zero-padded octets, so that text order is numeric order; others after them, as text. */
    private static String sortKey(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4 || !ip.matches("[0-9.]+")) return "~" + ip;
        StringBuilder sb = new StringBuilder();
        for (String p : parts) sb.append("000".substring(Math.min(3, p.length()))).append(p).append('.');
        return sb.toString();
    }
}
