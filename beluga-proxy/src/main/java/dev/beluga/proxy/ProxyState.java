package dev.beluga.proxy;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the proxy must program, as one immutable snapshot: every proxied Service port with its endpoints.
 *
 * @param services  Service key → its ports (sorted), only Services that get a cluster IP
 * @param endpoints Service port → its endpoints (sorted by address), absent = none
 */
public record ProxyState(SortedMap<ServiceKey, List<ServicePortInfo>> services,
                         Map<ServicePortName, List<ProxyEndpoint>> endpoints) {

    public static final ProxyState EMPTY = new ProxyState(java.util.Collections.emptySortedMap(), Map.of());

    public List<ServicePortInfo> ports(ServiceKey key) {
        return services.getOrDefault(key, List.of());
    }

    public List<ProxyEndpoint> endpoints(ServicePortName port) {
        return endpoints.getOrDefault(port, List.of());
    }

    /** The number of Service ports and endpoints (for logs and benchmarks). */
    public int portCount() {
        return services.values().stream().mapToInt(List::size).sum();
    }

    public int endpointCount() {
        return endpoints.values().stream().mapToInt(List::size).sum();
    }
}
