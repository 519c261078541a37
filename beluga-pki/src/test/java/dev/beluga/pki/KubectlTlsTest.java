package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kubectl (Go's TLS stack) against the cluster's certificates: it must trust the serving certificate for 127.0.0.1
 * through the kubeconfig's CA data, and present the admin certificate and key from the kubeconfig.
 */
class KubectlTlsTest {
    private static final char[] PASSWORD = "pw".toCharArray();

    @TempDir
    Path dir;

    @Test
    void kubectlAuthenticatesWithTheAdminKubeconfig() throws Exception {
        assumeTrue(TestSupport.executable(KubeconfigTest.KUBECTL), "kubectl is not installed");
        ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of());
        try (var server = new IdentityEchoServer(TestSupport.context(pki.servingKeyStore(PASSWORD), PASSWORD, pki.trustStore()))) {
            Path kubeconfig = dir.resolve("admin.yaml");
            Kubeconfig.writeWithClientCertificate(kubeconfig, "https://127.0.0.1:" + server.port(), pki.caCertificate(), pki.admin());

            var result = get(kubeconfig);

            assertThat(result.output()).isEqualTo("ok admin [system:masters]");
            assertThat(result.exitCode()).isZero();
            assertThat(server.nextOutcome().identity()).isEqualTo(new X509Identity("admin", List.of("system:masters")));
        }
    }

    @Test
    void kubectlRefusesAServerItsKubeconfigDoesNotTrust() throws Exception {
        assumeTrue(TestSupport.executable(KubeconfigTest.KUBECTL), "kubectl is not installed");
        ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of());
        CertificateAuthority other = CertificateAuthority.create();
        try (var server = new IdentityEchoServer(TestSupport.context(pki.servingKeyStore(PASSWORD), PASSWORD, pki.trustStore()))) {
            Path kubeconfig = dir.resolve("other.yaml");
            Kubeconfig.writeWithClientCertificate(kubeconfig, "https://127.0.0.1:" + server.port(), other.certificate(),
                other.issueClient("admin", List.of("system:masters"), Duration.ofDays(1)));

            var result = get(kubeconfig);

            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains("certificate");
            assertThat(server.nextOutcome().failure()).isNotNull();
        }
    }

    private TestSupport.Result get(Path kubeconfig) throws Exception {
        return TestSupport.run(List.of(KubeconfigTest.KUBECTL, "--kubeconfig", kubeconfig.toString(), "--cache-dir",
            dir.resolve("cache").toString(), "--request-timeout", "20s", "get", "--raw", "/healthz"));
    }
}
