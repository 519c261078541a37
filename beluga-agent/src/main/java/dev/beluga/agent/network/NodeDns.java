package dev.beluga.agent.network;

import dev.beluga.dns.ClusterDnsServer;
import dev.beluga.dns.ClusterDnsSource;
import dev.beluga.dns.DnsConfig;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;

/**
 * The node's cluster DNS server (beluga-dns), fed by the node's Service and EndpointSlice informers ({@link ServiceInformers}), listening on the
 * node's address at {@link #PORT} (UDP and TCP) and published as this node's endpoint of {@code kube-dns} (see
 * {@link ClusterDnsEndpoint}); pods reach it through the kube-dns cluster IP, port 53, which the node's proxy
 * translates. A port of its own, not 53, so it never collides with a resolver the machine already runs.
 *
 * <p>{@link #close()} stops the server (the informers are the node's) and leaves the EndpointSlice (a restarting agent comes back
 * at the same address); {@link #withdraw()} also removes the slice.
 */
public final class NodeDns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeDns.class);
    /** Where each node's DNS server listens, on the node's address. */
    public static final int PORT = 10053;

    private final ClusterDnsSource source;
    private final ClusterDnsServer server;
    private final ClusterDnsEndpoint endpoint;

    private NodeDns(ClusterDnsSource source, ClusterDnsServer server, ClusterDnsEndpoint endpoint) {
        this.source = source;
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * Starts serving on {@code nodeIp}:{@link #PORT} for {@code clusterDomain}, from the node's shared Service and
     * EndpointSlice informers, and publishes the endpoint.
     */
    public static NodeDns start(KubernetesClient client, ServiceInformers informers, Node node, String nodeIp, String clusterDomain)
        throws Exception {
        ClusterDnsSource source = ClusterDnsSource.attach(informers.services(), informers.slices());
        ClusterDnsServer server;
        try {
            server = new ClusterDnsServer(DnsConfig.of(InetAddress.getByName(nodeIp), PORT).withClusterDomain(clusterDomain),
                source.index()).start();
        } catch (Exception e) {
            source.close();
            throw e;
        }
        ClusterDnsEndpoint endpoint = new ClusterDnsEndpoint(client, node.getMetadata().getName());
        endpoint.publish(node, nodeIp, PORT);
        log.info("cluster DNS of node {} on {}:{} (UDP, TCP)", node.getMetadata().getName(), nodeIp, PORT);
        return new NodeDns(source, server, endpoint);
    }

    /** The server's counters, for metrics. */
    public ClusterDnsServer server() {
        return server;
    }

    /** Removes the node's kube-dns endpoint (the node is going away). */
    public void withdraw() {
        endpoint.withdraw();
    }

    @Override
    public void close() {
        server.close();
        source.close();
    }
}
