package dev.beluga.proxy;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which endpoints of a Service port receive traffic on this node, as upstream's CategorizeEndpoints (without topology
 * hints): ready endpoints, or — when none is ready — those still serving while terminating, so that connections drain
 * during a rollout instead of failing.
 *
 * @param cluster endpoints for traffic to the cluster IP (only local ones under internalTrafficPolicy Local)
 * @param local   this node's endpoints, for external traffic under externalTrafficPolicy Local
 */
public record EndpointSelection(List<ProxyEndpoint> cluster, List<ProxyEndpoint> local) {

    public static EndpointSelection of(ServicePortInfo svc, List<ProxyEndpoint> all, String nodeName) {
        List<ProxyEndpoint> local = usable(all, e -> e.isLocal(nodeName));
        List<ProxyEndpoint> cluster = svc.internalPolicyLocal() ? local : usable(all, e -> true);
        return new EndpointSelection(cluster, local);
    }

    /** The endpoints external traffic (node ports, external and load-balancer IPs) goes to. */
    public List<ProxyEndpoint> external(ServicePortInfo svc) {
        return svc.externalPolicyLocal() ? local : cluster;
    }

    private static List<ProxyEndpoint> usable(List<ProxyEndpoint> all, Predicate<ProxyEndpoint> where) {
        List<ProxyEndpoint> ready = all.stream().filter(where).filter(ProxyEndpoint::ready).toList();
        if (!ready.isEmpty()) return ready;
        return all.stream().filter(where).filter(e -> e.serving() && e.terminating()).toList();
    }
}
