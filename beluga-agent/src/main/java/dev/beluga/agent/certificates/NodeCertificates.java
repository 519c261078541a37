package dev.beluga.agent.certificates;

import dev.beluga.agent.join.NodeCredentials;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.SubjectAltNames;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The certificate rotation of a joined node: two {@link CertificateManager}s — the client certificate
 * ({@code system:node:<name>}, signer {@code kube-apiserver-client-kubelet}) and the kubelet serving certificate (the
 * node name, its addresses and 127.0.0.1, signer {@code kubelet-serving}) — renewed through CertificateSigningRequests
 * that the cluster's approving controller approves and its signing controller signs. A renewed certificate (chained
 * to the cluster CA) is written to the data directory ({@link NodeCredentials}: the combined file atomically, then the
 * copies and the kubeconfig), then handed to the API client ({@link RotatingClientTls}) or the kubelet HTTPS server.
 *
 * <p>Threading: each manager renews on its own thread; {@link #close()} stops both. Writes to the data directory are
 * serialized on this object.
 */
public final class NodeCertificates implements AutoCloseable {
    /** How long a renewal waits for its request to be approved and signed. */
    public static final Duration SIGNING_TIMEOUT = Duration.ofMinutes(5);
    private final CertificateManager client;
    private final CertificateManager serving;
    private NodeCredentials credentials;

    /**
     * @param api        the agent's API client (it authenticates with {@code clientTls})
     * @param stored     the node's credentials as stored in {@code dataDir}
     * @param server     the API server's URL, for the kubeconfig
     * @param addresses  the node's addresses for the serving certificate (as at the join)
     * @param clientTls  the API client's TLS identity, switched on rotation
     * @param reloadKubeletServing switches the kubelet HTTPS server to a renewed serving certificate
     */
    public NodeCertificates(KubernetesClient api, NodeCredentials stored, Path dataDir, String server, String nodeName,
                            List<InetAddress> addresses, RotatingClientTls clientTls, Consumer<IssuedCertificate> reloadKubeletServing,
                            Clock clock) {
        this.credentials = stored;
        CsrRequester requester = new CsrRequester(api, SIGNING_TIMEOUT, null);
        SecureRandom random = new SecureRandom();
        List<InetAddress> ips = new ArrayList<>();
        ips.add(InetAddress.getLoopbackAddress());
        for (InetAddress a : addresses) if (!ips.contains(a)) ips.add(a);
        CertificateManager.Renewer renew = template -> chained(requester.request(template), stored.cas());
        client = new CertificateManager(CertificateTemplate.nodeClient(nodeName), stored.client(), renew, c -> {
            synchronized (this) {
                credentials = credentials.withClient(c);
                credentials.writeClient(dataDir, server);
            }
        }, clock, random::nextDouble).onRotation(clientTls::rotate);
        serving = new CertificateManager(CertificateTemplate.kubeletServing(nodeName, SubjectAltNames.of(List.of(nodeName), ips)),
            stored.serving(), renew, c -> {
                synchronized (this) {
                    credentials = credentials.withServing(c);
                    credentials.writeServing(dataDir);
                }
            }, clock, random::nextDouble).onRotation(reloadKubeletServing);
    }

    /** The certificate as signed (the leaf), with the cluster CA after it, as the join's certificates are. */
    static IssuedCertificate chained(IssuedCertificate signed, List<X509Certificate> cas) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(signed.certificate());
        for (X509Certificate ca : cas) if (!chain.contains(ca)) chain.add(ca);
        return new IssuedCertificate(signed.certificate(), signed.key(), chain);
    }

    /** Logs both certificates' expiry and schedules their renewal. */
    public NodeCertificates start() {
        client.start();
        serving.start();
        return this;
    }

    public CertificateManager client() {
        return client;
    }

    public CertificateManager serving() {
        return serving;
    }

    @Override
    public void close() {
        client.close();
        serving.close();
    }
}
