package dev.beluga.proxy;

/**
 * One port of one Service: what the proxy load-balances (upstream's ServicePortName). {@code port} is the port's name,
 * empty for the single unnamed port a Service may have; EndpointSlice ports are matched to it by that name.
 */
public record ServicePortName(ServiceKey service, String port, Protocol protocol) implements Comparable<ServicePortName> {

    @Override
    public int compareTo(ServicePortName o) {
        int c = service.compareTo(o.service);
        if (c != 0) return c;
        c = port.compareTo(o.port);
        return c != 0 ? c : protocol.compareTo(o.protocol);
    }

    @Override
    public String toString() {
        return service + (port.isEmpty() ? "" : ":" + port) + "/" + protocol.lower();
    }
}
