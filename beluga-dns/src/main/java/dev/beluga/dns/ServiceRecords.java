package dev.beluga.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * Everything the zone serves for one Service, computed from the Service and its EndpointSlices by
 * {@link ServiceRecordsFactory}. Immutable: the index replaces the whole value when anything changes.
 *
 * @param namespace    the namespace, lower case
 * @param name         the service name, lower case
 * @param kind         how the service's own name resolves
 * @param clusterIps   the cluster IPs (empty when headless or not yet allocated)
 * @param externalName CNAME target of an ExternalName service (no trailing dot), else null
 * @param ports        the service's ports
 * @param endpoints    the served endpoint addresses: ready ones, or all but terminating ones with publishNotReadyAddresses
 */
public record ServiceRecords(String namespace, String name, Kind kind, List<InetAddress> clusterIps, String externalName,
                             List<PortSpec> ports, List<EndpointRecord> endpoints) {
    /** How {@code <service>.<ns>.svc.<zone>} resolves. */
    public enum Kind {
        /** to the cluster IPs */
        CLUSTER_IP,
        /** to the served endpoint addresses */
        HEADLESS,
        /** CNAME to the external name */
        EXTERNAL_NAME
    }

    /** {@code namespace/name}: the index's key of the service. */
    public String key() {
        return namespace + "/" + name;
    }

    /** {@code name.namespace}: the service's name relative to {@code svc.<zone>}, reversed as in DNS. */
    public String relativeName() {
        return name + "." + namespace;
    }
}
