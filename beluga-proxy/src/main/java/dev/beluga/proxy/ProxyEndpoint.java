package dev.beluga.proxy;

/**
 * One backend of a Service port, from an EndpointSlice endpoint and the slice port of the same name.
 *
 * @param ip          the endpoint's address
 * @param port        the (resolved target) port on that address
 * @param ready       conditions.ready (absent = true)
 * @param serving     conditions.serving (absent = ready)
 * @param terminating conditions.terminating (absent = false)
 * @param nodeName    the node the endpoint runs on; null when unknown
 */
public record ProxyEndpoint(String ip, int port, boolean ready, boolean serving, boolean terminating, String nodeName)
    implements Comparable<ProxyEndpoint> {

    public boolean isLocal(String node) {
        return node != null && node.equals(nodeName);
    }

    /** "ip:port", unique within a Service port. */
    public String address() {
        return ip + ":" + port;
    }

    @Override
    public int compareTo(ProxyEndpoint o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
