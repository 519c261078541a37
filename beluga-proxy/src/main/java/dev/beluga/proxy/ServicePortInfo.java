package dev.beluga.proxy;

import java.util.List;

/**
 * How one Service port is reached (what the proxy needs from the Service object).
 *
 * @param name                   the port's identity
 * @param clusterIp              the virtual IP; never null (headless and ExternalName Services are not proxied)
 * @param port                   the Service port on the cluster IP, external IPs and load-balancer IPs
 * @param nodePort               the port on every node's addresses; 0 = none
 * @param externalIps            spec.externalIPs
 * @param loadBalancerIps        status.loadBalancer.ingress[].ip
 * @param affinitySeconds        ClientIP session affinity timeout; 0 = no affinity
 * @param externalPolicyLocal    externalTrafficPolicy Local: external traffic only to this node's endpoints, client
 *                               IP kept
 * @param internalPolicyLocal    internalTrafficPolicy Local: cluster traffic only to this node's endpoints
 */
public record ServicePortInfo(ServicePortName name, String clusterIp, int port, int nodePort, List<String> externalIps,
                              List<String> loadBalancerIps, int affinitySeconds, boolean externalPolicyLocal,
                              boolean internalPolicyLocal) {

    public ServicePortInfo {
        externalIps = List.copyOf(externalIps);
        loadBalancerIps = List.copyOf(loadBalancerIps);
    }

    /** Whether traffic arrives from outside the cluster IP (node ports, external or load-balancer IPs). */
    public boolean hasExternalEntry() {
        return nodePort > 0 || !externalIps.isEmpty() || !loadBalancerIps.isEmpty();
    }
}
