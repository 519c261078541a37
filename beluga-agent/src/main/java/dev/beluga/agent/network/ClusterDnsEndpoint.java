package dev.beluga.agent.network;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's cluster DNS server as an endpoint of the {@code kube-dns} Service: an EndpointSlice
 * {@code kube-dns-<node>} in kube-system (labels {@code kubernetes.io/service-name: kube-dns},
 * {@code endpointslice.kubernetes.io/managed-by: beluga-agent}, owned by the Node so the garbage collector removes it
 * with the node). The Service has no selector and {@code internalTrafficPolicy: Local}: every node's proxy sends the
 * pods' DNS queries to the server of their own node — node-local DNS, with no pod to schedule.
 *
 * <p>Idempotent: {@link #publish} applies the slice (server-side apply); {@link #withdraw} deletes it (absent is fine).
 */
public final class ClusterDnsEndpoint {
    private static final Logger log = LoggerFactory.getLogger(ClusterDnsEndpoint.class);
    public static final String NAMESPACE = "kube-system";
    public static final String SERVICE = "kube-dns";
    public static final String MANAGED_BY = "beluga-agent";

    private final KubernetesClient client;
    private final String nodeName;

    public ClusterDnsEndpoint(KubernetesClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    public String sliceName() {
        return SERVICE + "-" + nodeName;
    }

    /** Publishes {@code ip:port} (UDP and TCP) as this node's DNS endpoint. */
    public void publish(Node node, String ip, int port) {
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName(sliceName()).withNamespace(NAMESPACE)
            .addToLabels("kubernetes.io/service-name", SERVICE)
            .addToLabels("endpointslice.kubernetes.io/managed-by", MANAGED_BY)
            .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).build())
            .endMetadata()
            .withAddressType("IPv4")
            .addNewEndpoint().withAddresses(ip).withNodeName(nodeName)
            .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().endEndpoint()
            .addNewPort().withName("dns").withPort(port).withProtocol("UDP").endPort()
            .addNewPort().withName("dns-tcp").withPort(port).withProtocol("TCP").endPort()
            .build();
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).fieldManager(MANAGED_BY)
            .forceConflicts().serverSideApply();
        log.info("cluster DNS of node {} published at {}:{}", nodeName, ip, port);
    }

    public void withdraw() {
        try {
            client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(sliceName()).delete();
        } catch (KubernetesClientException e) {
            log.debug("withdrawing {}: {}", sliceName(), e.toString());
        }
    }
}
