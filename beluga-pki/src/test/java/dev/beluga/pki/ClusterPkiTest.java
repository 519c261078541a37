package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterPkiTest {
    @TempDir
    Path dir;

    @Test
    void createsValidChainsWithNamesAndUsagesAndReloadsTheSameCa() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of("beluga.example"), List.of(InetAddress.getByName("10.1.2.3")));
        validate(pki.serving().certificate(), pki.caCertificate());
        validate(pki.admin().certificate(), pki.caCertificate());
        assertThat(pki.serving().certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(pki.admin().certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
        assertThat(pki.admin().certificate().getSubjectX500Principal().getName()).contains("CN=admin").contains("O=system:masters");
        List<String> sans = pki.serving().certificate().getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList();
        assertThat(sans).contains("localhost", "kubernetes.default.svc", "beluga.example", "127.0.0.1", "10.1.2.3");
        assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("admin.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        ClusterPki again = ClusterPki.loadOrCreate(dir, List.of("beluga.example"), List.of(InetAddress.getByName("10.1.2.3")));
        assertThat(again.caCertificate()).isEqualTo(pki.caCertificate());
        assertThat(again.serving().certificate()).isEqualTo(pki.serving().certificate());
        ClusterPki wider = ClusterPki.loadOrCreate(dir, List.of("other.example"), List.of());
        assertThat(wider.caCertificate()).as("the CA is never replaced").isEqualTo(pki.caCertificate());
        assertThat(wider.serving().certificate()).as("re-issued for a new name").isNotEqualTo(pki.serving().certificate());
    }

    @Test
    void signsCertificateRequests() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        var kp = CertificateAuthority.newKeyPair();
        X509Certificate c = pki.ca().signClientCsr(CertificateAuthority.newCsrPem(kp, "ignored"), "system:node:n1", List.of("system:nodes"), Duration.ofDays(1));
        validate(c, pki.caCertificate());
        assertThat(c.getPublicKey()).isEqualTo(kp.getPublic());
        assertThat(c.getSubjectX500Principal().getName()).contains("CN=system:node:n1");
    }

    @Test
    void tlsHandshakeAcceptsClusterClientsAndRejectsStrangers() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        char[] pw = "pw".toCharArray();
        SSLContext server = context(pki.servingKeyStore(pw), pw, pki.trustStore());
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            CompletableFuture<Void> accept = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2; i++) {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                        s.startHandshake();
                        s.getOutputStream().write(42);
                    } catch (Exception ignored) {
                        // the stranger's handshake fails here
                    }
                }
            });
            SSLContext client = context(keyStore(pki.admin(), pw), pw, pki.trustStore());
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                s.startHandshake();
                assertThat(s.getInputStream().read()).isEqualTo(42);
            }
            CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
            SSLContext stranger = context(keyStore(other.issueClient("eve", List.of(), Duration.ofDays(1)), pw), pw, pki.trustStore());
            assertThatThrownBy(() -> {
                try (SSLSocket s = (SSLSocket) stranger.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                    s.startHandshake();
                    InputStream in = s.getInputStream();
                    if (in.read() != 42) throw new IllegalStateException("rejected");
                }
            }).isInstanceOf(Exception.class);
            accept.join();
        }
    }

    @Test
    void kubeconfigIsReadByKubectl() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        Path file = dir.resolve("kubeconfig.yaml");
        Kubeconfig.write(file, Kubeconfig.withClientCertificate("https://127.0.0.1:6443", pki.caCertificate(), pki.admin()));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (!Files.isExecutable(kubectl)) return;
        Process p = new ProcessBuilder(kubectl.toString(), "config", "view", "--kubeconfig", file.toString(), "--raw", "-o",
            "jsonpath={.clusters[0].cluster.server} {.users[0].name}").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).isZero();
        assertThat(out).endsWith("https://127.0.0.1:6443 default");
    }

    private static KeyStore keyStore(IssuedCertificate c, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", c.key(), pw, c.chain().toArray(java.security.cert.Certificate[]::new));
        return ks;
    }

    private static SSLContext context(KeyStore keys, char[] pw, KeyStore trust) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void validate(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }
}
