package dev.beluga.agent.server;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.IssuedCertificate;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Issues a node's kubelet serving certificate from the cluster CA, as the {@code kubernetes.io/kubelet-serving}
 * signer would: subject {@code CN=system:node:<node>}, serverAuth, subjectAltNames the node name, the given DNS names
 * and the node's IP addresses (the API server connects to the InternalIP and verifies it against these). Valid for
 * {@link ClusterPki#LEAF_VALIDITY}. Needs the CA's key, so it is for an agent running with the server (or holding
 * {@code ca.key}); an agent that joins by token gets its certificate from the server for a key of its own
 * ({@code dev.beluga.agent.join.NodeJoin}). Stateless.
 */
public final class KubeletServingCertificate {
    private KubeletServingCertificate() {
    }

    /**
     * A new key and certificate for {@code nodeName}.
     *
     * @throws IllegalArgumentException when the node name (used as DNS name) or an extra name is not a valid DNS name
     */
    public static IssuedCertificate issue(CertificateAuthority ca, String nodeName, List<String> extraDnsNames, List<InetAddress> ips) {
        List<String> dns = new ArrayList<>();
        dns.add(nodeName);
        for (String d : extraDnsNames) if (!dns.contains(d)) dns.add(d);
        return ca.issueServing("system:node:" + nodeName, dns, List.copyOf(ips), ClusterPki.LEAF_VALIDITY);
    }
}
