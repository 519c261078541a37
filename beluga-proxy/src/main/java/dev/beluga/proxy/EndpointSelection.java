package dev.beluga.proxy;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which endpoints of a Service port receive traffic on this node, as upstream's CategorizeEndpoints (without topology
 * hints): ready endpoints, or — when none is ready — those still serving while terminating, so that connections drain
 * during a rollout instead of failing.
 *
 * @param cluster endpoints for traffic to the cluster IP ({@code local} under internalTrafficPolicy Local, else
 *                {@code all})
 * @param local   usable endpoints on this node (the "Local" traffic policies)
 * @param all     usable endpoints anywhere in the cluster (the "Cluster" traffic policy)
 */
public record EndpointSelection(List<ProxyEndpoint> cluster, List<ProxyEndpoint> local, List<ProxyEndpoint> all) {

    public static EndpointSelection of(ServicePortInfo svc, List<ProxyEndpoint> endpoints, String nodeName) {
        List<ProxyEndpoint> all = usable(endpoints, e -> true);
        List<ProxyEndpoint> local = usable(endpoints, e -> e.isLocal(nodeName));
        return new EndpointSelection(svc.internalPolicyLocal() ? local : all, local, all);
    }

    /** The endpoints external traffic (node ports, external and load-balancer IPs) goes to. */
    public List<ProxyEndpoint> external(ServicePortInfo svc) {
        return svc.externalPolicyLocal() ? local : all;
    }

    private static List<ProxyEndpoint> usable(List<ProxyEndpoint> endpoints, Predicate<ProxyEndpoint> where) {
        List<ProxyEndpoint> ready = endpoints.stream().filter(where).filter(ProxyEndpoint::ready).toList();
        if (!ready.isEmpty()) return ready;
        return endpoints.stream().filter(where).filter(e -> e.serving() && e.terminating()).toList();
    }
}
