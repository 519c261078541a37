package dev.beluga.cli;

import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A joined agent's certificates renewed while it keeps working, end to end: {@code beluga server
 * --cluster-signing-duration PT90S} (so the join's certificates and every renewal live 90 s), one real
 * {@code beluga agent} process joined by token in a network namespace. Its client and kubelet serving certificates
 * are renewed through CertificateSigningRequests (approved and signed by the server's controllers) before they
 * expire; after the first ones have expired, {@code kubectl logs} and {@code kubectl exec} reach the node through the
 * renewed serving certificate (which the kubelet port presents), and the node's Lease is still renewed. Needs root
 * and containerd (skipped otherwise).
 */
class CertificateRotationClusterTest {
    static NetnsCluster cluster;
    static Path nodeDir;

    @BeforeAll
    static void start() throws Exception {
        NetnsCluster.assumeSupported();
        cluster = NetnsCluster.start(1, "rotate", "--cluster-signing-duration", "PT90S");
        nodeDir = cluster.dir.resolve("nodes/node-1");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static IssuedCertificate stored(String what) throws Exception {
        return IssuedCertificate.readCombined(nodeDir.resolve("tls/" + what + ".pem"));
    }

    @Test
    void certificatesAreRenewedWhileTheNodeKeepsWorking() throws Exception {
        X509Certificate client0 = stored("client").certificate();
        X509Certificate serving0 = stored("serving").certificate();
        assertThat(Duration.between(client0.getNotBefore().toInstant(), client0.getNotAfter().toInstant())).isLessThan(Duration.ofMinutes(3));
        cluster.kubectl("run", "rotating", "--image=busybox:1.35", "--restart=Never", "--",
            "sh", "-c", "echo started on a rotating node; sleep 3600");
        cluster.awaitPhase("rotating", "Running", Duration.ofSeconds(90));

        // both renewed, and the first ones expired
        Instant firstExpiry = client0.getNotAfter().toInstant().isAfter(serving0.getNotAfter().toInstant())
            ? client0.getNotAfter().toInstant() : serving0.getNotAfter().toInstant();
        NetnsCluster.await(Duration.ofMinutes(4), () -> {
            try {
                return !stored("client").certificate().equals(client0) && !stored("serving").certificate().equals(serving0)
                    && Instant.now().isAfter(firstExpiry.plusSeconds(2));
            } catch (Exception e) {
                return false;
            }
        }, "both certificates renewed and the first ones expired");
        String log = Files.readString(cluster.agents.getFirst().log());
        assertThat(log).contains("client certificate CN=system:node:node-1,O=system:nodes rotated")
            .contains("serving certificate CN=system:node:node-1,O=system:nodes rotated")
            .contains("kubelet API serves the renewed certificate");
        String csrs = cluster.kubectl("get", "csr");
        assertThat(csrs).contains("kubernetes.io/kube-apiserver-client-kubelet").contains("kubernetes.io/kubelet-serving")
            .contains("system:node:node-1").contains("Approved,Issued");

        // the kubelet presents its current serving certificate; logs and exec reach it through the API server
        X509Certificate servingNow = stored("serving").certificate();
        BigInteger served = servedSerial(cluster.net.nodes().getFirst().ip(),
            dev.beluga.pki.Pem.certificates(Files.readString(nodeDir.resolve("tls/ca.crt"))));
        assertThat(served).as("the kubelet presents the stored certificate (read before and after, it may rotate meanwhile)")
            .isIn(servingNow.getSerialNumber(), stored("serving").certificate().getSerialNumber());
        assertThat(servingNow.getNotBefore().toInstant()).isAfter(serving0.getNotBefore().toInstant());
        try {
            assertThat(cluster.kubectl("logs", "rotating")).contains("started on a rotating node");
            assertThat(cluster.kubectl("exec", "rotating", "--", "echo", "exec through a renewed certificate"))
                .contains("exec through a renewed certificate");
        } catch (AssertionError e) {
            List<String> lines = Files.readAllLines(cluster.agents.getFirst().log());
            throw new AssertionError(e.getMessage() + "\n" + cluster.kubectl("describe", "pod", "rotating") + "\nagent log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())), e);
        }

        // the node's heartbeat goes on past the first client certificate's end
        Instant after = Instant.now();
        NetnsCluster.await(Duration.ofSeconds(40), () -> {
            Lease l = cluster.client.leases().inNamespace("kube-node-lease").withName("node-1").get();
            return l != null && l.getSpec().getRenewTime().toInstant().isAfter(after);
        }, "the node's Lease renewed after the first client certificate expired");
        assertThat(cluster.client.nodes().withName("node-1").get().getStatus().getConditions())
            .anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
            });
        cluster.kubectl("delete", "pod", "rotating", "--wait=false");
    }

    static BigInteger servedSerial(String host, List<X509Certificate> cas) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(cas));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, 10250)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
