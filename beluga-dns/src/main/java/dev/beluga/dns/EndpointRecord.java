package dev.beluga.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * One served address of a service's endpoints. Immutable.
 *
 * @param host    the endpoint's label under the service name: its {@code hostname} (lower case), else the dashed address
 * @param address the address
 * @param ports   the ports of the EndpointSlice the endpoint came from (the headless SRV records' targets listen there)
 */
public record EndpointRecord(String host, InetAddress address, List<PortSpec> ports) {
}
