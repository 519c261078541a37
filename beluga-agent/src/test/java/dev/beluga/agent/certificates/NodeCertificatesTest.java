package dev.beluga.agent.certificates;

import dev.beluga.agent.join.NodeCredentials;
import dev.beluga.agent.server.KubeletServer;
import dev.beluga.agent.server.KubeletTls;
import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.controllers.certificates.CertificateSigning;
import dev.beluga.controllers.certificates.CsrApprovingController;
import dev.beluga.controllers.certificates.CsrSigningController;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerManager;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;
import dev.beluga.pki.SubjectAltNames;
import dev.beluga.pki.X509Identity;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A joined node's certificates renewed while it works, against a real API server running the CSR approving and
 * signing controllers (certificates signed for 40 s): both certificates are renewed through CertificateSigningRequests
 * before they expire, written to the data directory (combined file, copies, kubeconfig), the kubelet HTTPS server
 * presents the new serving certificate without a restart, and — after the first certificates have expired and the
 * API server was restarted, so that every connection is new — the node's API client still works, which it can only
 * do with the renewed client certificate.
 */
class NodeCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void bothCertificatesAreRenewedAndTakenIntoUseWithoutARestart() throws Exception {
        Duration lifetime = Duration.ofSeconds(40);
        TestServer server = new TestServer(dir.resolve("server"));
        int port = server.api.port();
        KubernetesClient admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
        CertificateSigning signing = new CertificateSigning(server.pki.ca(), lifetime);
        ControllerManager controllers = new ControllerManager(admin, () -> List.<Controller>of(
            new CsrSigningController(signing), new CsrApprovingController()),
            Clock.systemUTC(), "test", false);
        KubernetesClient nodeClient = null;
        KubeletServer kubelet = null;
        NodeCertificates rotation = null;
        try {
            controllers.start();
            assertThat(controllers.awaitRunning(Duration.ofSeconds(60))).isTrue();
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
            var node = admin.nodes().withName("n1").get();
            node.setStatus(new NodeStatusBuilder().addNewAddress().withType("InternalIP").withAddress("10.0.0.5").endAddress().build());
            admin.nodes().resource(node).updateStatus();

            // the node's credentials as a join leaves them, short-lived
            List<X509Certificate> cas = List.of(server.pki.caCertificate());
            IssuedCertificate client0 = server.pki.ca().issueClient("system:node:n1", List.of("system:nodes"), lifetime);
            IssuedCertificate serving0 = server.pki.ca().issueServing("system:node:n1", List.of("n1"),
                List.of(InetAddress.getLoopbackAddress(), InetAddress.getByName("10.0.0.5")), lifetime);
            NodeCredentials creds = new NodeCredentials(server.pki.caBundlePem(), cas, client0, serving0);
            Path data = Files.createDirectories(dir.resolve("agent"));
            creds.write(data, server.url());

            RotatingClientTls tls = new RotatingClientTls(client0, cas);
            nodeClient = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(data.resolve("kubeconfig.yaml"))))
                .withHttpClientFactory(tls.httpClientFactory()).build();
            assertThat(nodeClient.nodes().withName("n1").get()).isNotNull();
            kubelet = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, new KubeletTls(serving0, cas)),
                (ns, pod, c, previous) -> { throw new UnsupportedOperationException("no logs in this test"); });
            kubelet.start();
            assertThat(servedSerial(kubelet.port(), cas)).isEqualTo(serving0.certificate().getSerialNumber());

            KubeletServer k = kubelet;
            rotation = new NodeCertificates(nodeClient, creds, data, server.url(), "n1", List.of(InetAddress.getByName("10.0.0.5")), tls,
                s -> {
                    try {
                        k.reloadServingCertificate(s);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Clock.systemUTC()).start();
            assertThat(rotation.client().deadline()).isBefore(client0.certificate().getNotAfter().toInstant());

            awaitTrue(Duration.ofSeconds(60), "both renewed", () -> !tls.current().certificate().equals(client0.certificate())
                && !NodeCredentials.load(data).orElseThrow().serving().certificate().equals(serving0.certificate()));
            NodeCredentials renewed = NodeCredentials.load(data).orElseThrow();
            X509Certificate client1 = renewed.client().certificate();
            assertThat(X509Identity.fromCertificate(client1).user()).isEqualTo("system:node:n1");
            assertThat(X509Identity.fromCertificate(client1).groups()).containsExactly("system:nodes");
            assertThat(server.pki.ca().hasIssued(client1)).isTrue();
            assertThat(renewed.client().keyMatches()).isTrue();
            // names, usages, issuer and keys fit the node (checked at the certificate's start: it lives 40 s only)
            assertThat(renewed.problem("n1", List.of(InetAddress.getByName("10.0.0.5")), null,
                client1.getNotBefore().toInstant().minus(NodeCredentials.EXPIRY_MARGIN))).isEmpty();
            assertThat(SubjectAltNames.of(renewed.serving().certificate()).containsAll(SubjectAltNames.of(List.of("n1"),
                List.of(InetAddress.getLoopbackAddress(), InetAddress.getByName("10.0.0.5"))))).isTrue();
            assertThat(Files.readString(data.resolve("kubeconfig.yaml")))
                .contains(java.util.Base64.getEncoder().encodeToString(dev.beluga.pki.Pem.encodeCertificate(client1).getBytes()));
            List<CertificateSigningRequest> csrs = admin.certificates().v1().certificateSigningRequests().list().getItems();
            assertThat(csrs).extracting(c -> c.getSpec().getUsername()).contains("system:node:n1");
            assertThat(csrs).extracting(c -> c.getSpec().getSignerName())
                .contains(CertificateTemplate.KUBELET_CLIENT_SIGNER, CertificateTemplate.KUBELET_SERVING_SIGNER);

            // the kubelet presents the renewed serving certificate to new connections
            awaitTrue(Duration.ofSeconds(10), "kubelet serves the renewed certificate",
                () -> servedSerial(k.port(), cas).equals(rotation0(k, cas)));
            assertThat(tls.current().certificate()).isNotEqualTo(client0.certificate());

            // once the first client certificate has expired, a restarted API server (all connections new) still knows the node
            Instant expiry = client0.certificate().getNotAfter().toInstant();
            while (Instant.now().isBefore(expiry.plusSeconds(1))) Thread.sleep(200);
            controllers.close();
            admin.close();
            server.close();
            server = new TestServer(dir.resolve("server"), port);
            KubernetesClient c = nodeClient;
            awaitTrue(Duration.ofSeconds(30), "the node's client works after the restart", () -> {
                try {
                    return c.nodes().withName("n1").get() != null;
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } finally {
            if (rotation != null) rotation.close();
            if (kubelet != null) kubelet.close();
            if (nodeClient != null) nodeClient.close();
            controllers.close();
            admin.close();
            server.close();
        }
    }

    /** The serial of the serving certificate the kubelet presents now, as recorded in the data directory. */
    private BigInteger rotation0(KubeletServer k, List<X509Certificate> cas) {
        return NodeCredentials.load(dir.resolve("agent")).orElseThrow().serving().certificate().getSerialNumber();
    }

    static BigInteger servedSerial(int port, List<X509Certificate> cas) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(KeyStores.trustStore(cas));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.startHandshake();
                return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitTrue(Duration timeout, String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) return;
            Thread.sleep(200);
        }
        throw new AssertionError("timed out: " + what);
    }
}
