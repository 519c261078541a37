package dev.beluga.pki;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KubeconfigTest {
    static final String KUBECTL = "/usr/bin/kubectl";

    @TempDir
    Path dir;

    private ClusterPki pki;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of());
        file = dir.resolve("kubeconfig.yaml");
    }

    @Test
    void clientCertificateKubeconfigParsesBack() throws Exception {
        Kubeconfig.writeWithClientCertificate(file, Kubeconfig.DEFAULT_SERVER, pki.caCertificate(), pki.admin());

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TestSupport.tempFiles(dir)).isEmpty();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).startsWith("apiVersion: v1", "kind: Config");
        assertThat(lines).contains("clusters:", "- name: default", "    server: \"https://127.0.0.1:6443\"", "contexts:",
            "    cluster: default", "    user: default", "current-context: default", "users:");
        assertThat(decoded(lines, "certificate-authority-data")).isEqualTo(Pem.encodeCertificate(pki.caCertificate()));
        assertThat(decoded(lines, "client-certificate-data")).isEqualTo(pki.admin().certificatePem());
        String key = decoded(lines, "client-key-data");
        assertThat(key).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Keys.matches(Pem.privateKey(key), pki.admin().certificate().getPublicKey())).isTrue();
        assertThat(lines).noneMatch(l -> l.contains("token"));
    }

    @Test
    void kubectlReadsTheClientCertificateKubeconfig() throws Exception {
        assumeTrue(TestSupport.executable(KUBECTL), "kubectl is not installed");
        Kubeconfig.writeWithClientCertificate(file, Kubeconfig.DEFAULT_SERVER, pki.caCertificate(), pki.admin());

        assertThat(view("{.clusters[0].cluster.server}")).isEqualTo("https://127.0.0.1:6443");
        assertThat(view("{.current-context} {.contexts[0].context.cluster} {.contexts[0].context.user} {.users[0].name}"))
            .isEqualTo("default default default default");
        assertThat(view("{.users[0].user.client-key-data}")).isEqualTo(base64(pki.admin().keyPem()));
        assertThat(view("{.clusters[0].cluster.certificate-authority-data}")).isEqualTo(base64(Pem.encodeCertificate(pki.caCertificate())));
    }

    @Test
    void tokenKubeconfigQuotesTheTokenSoKubectlReadsItBack() throws Exception {
        String token = "abc.\"quoted\"\\back#slash:-x";
        Kubeconfig.writeWithToken(file, "https://10.0.0.5:6443", pki.caCertificate(), token);

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).contains("    server: \"https://10.0.0.5:6443\"");
        assertThat(lines).noneMatch(l -> l.contains("client-key-data") || l.contains("client-certificate-data"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assumeTrue(TestSupport.executable(KUBECTL), "kubectl is not installed");
        assertThat(view("{.users[0].user.token}")).isEqualTo(token);
        assertThat(view("{.clusters[0].cluster.server}")).isEqualTo("https://10.0.0.5:6443");
    }

    @Test
    void rewritingReplacesTheWholeFile() throws Exception {
        Kubeconfig.writeWithToken(file, Kubeconfig.DEFAULT_SERVER, pki.caCertificate(), "first-token-that-is-long");
        Kubeconfig.writeWithClientCertificate(file, Kubeconfig.DEFAULT_SERVER, pki.caCertificate(), pki.admin());
        assertThat(Files.readString(file)).doesNotContain("token").contains("client-key-data");
        assertThat(TestSupport.tempFiles(dir)).isEmpty();
    }

    @Test
    void refusesBadServersAndTokens() {
        var ca = pki.caCertificate();
        assertThatThrownBy(() -> Kubeconfig.withToken("http://127.0.0.1:6443", ca, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.withToken("https://", ca, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.withToken("https://h x:1", ca, "t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.withToken(Kubeconfig.DEFAULT_SERVER, ca, "a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.withToken(Kubeconfig.DEFAULT_SERVER, ca, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.withToken(Kubeconfig.DEFAULT_SERVER, ca, "a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    private String view(String jsonpath) throws Exception {
        var result = TestSupport.run(List.of(KUBECTL, "config", "view", "--kubeconfig", file.toString(), "--raw", "-o", "jsonpath=" + jsonpath));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    private static String decoded(List<String> lines, String field) {
        String prefix = "    " + field + ": ";
        String value = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no " + field))
            .substring(prefix.length());
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
