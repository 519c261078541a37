package dev.beluga.proxy.nft;

import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ServicePortName;

/**
 * Names of the proxy's nftables objects. Namespaces, Service names and port names are DNS labels, so the names need
 * no quoting and stay well under nftables' 256-byte limit; they read like upstream kube-proxy's (without its hash
 * prefix, which only guards against collisions that DNS labels cannot produce).
 */
final class NftNames {
    static final String TABLE = "beluga-proxy";
    static final String SERVICE_IPS = "service-ips";
    static final String SERVICE_NODEPORTS = "service-nodeports";
    static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
    static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
    static final String MARK_FOR_MASQUERADE = "mark-for-masquerade";
    static final String REJECT = "reject-chain";
    static final String DROP = "drop-chain";

    private NftNames() {
    }

    /** "ns/name/proto/port" where port is the port's name, or its number when unnamed. */
    static String base(ServicePortName p, int servicePort) {
        return p.service().namespace() + "/" + p.service().name() + "/" + p.protocol().lower() + "/"
            + (p.port().isEmpty() ? Integer.toString(servicePort) : p.port());
    }

    static String serviceChain(String base) {
        return "service-" + base;
    }

    static String clusterChain(String base) {
        return "cluster-" + base;
    }

    static String externalChain(String base) {
        return "external-" + base;
    }

    static String localChain(String base) {
        return "local-" + base;
    }

    static String endpointChain(String base, ProxyEndpoint e) {
        return "endpoint-" + base + "__" + e.ip() + "/" + e.port();
    }

    static String affinitySet(String base, ProxyEndpoint e) {
        return "affinity-" + base + "__" + e.ip() + "/" + e.port();
    }
}
