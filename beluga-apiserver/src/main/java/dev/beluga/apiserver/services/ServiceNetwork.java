package dev.beluga.apiserver.services;

/**
 * Where Services get their addresses: the service CIDR (cluster IPs) and the node port range, as
 * {@code beluga server --service-cidr} and {@code --service-node-port-range} set them.
 */
public record ServiceNetwork(ServiceCidr cidr, PortRange nodePorts) {
    public static final String DEFAULT_CIDR = "10.43.0.0/16";
    public static final String DEFAULT_NODE_PORTS = "30000-32767";

    /** k3s's defaults: 10.43.0.0/16 and upstream's 30000-32767. */
    public static ServiceNetwork defaults() {
        return parse(DEFAULT_CIDR, DEFAULT_NODE_PORTS);
    }

    /** @throws IllegalArgumentException with a message for the user when either is malformed */
    public static ServiceNetwork parse(String cidr, String nodePorts) {
        return new ServiceNetwork(ServiceCidr.parse(cidr), PortRange.parse(nodePorts));
    }
}
