package dev.beluga.apiserver.kubectl;

import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.KeyAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real kubectl 1.32 with CertificateSigningRequests: {@code create -f}, {@code get csr} (upstream's columns),
 * {@code certificate approve} and {@code certificate deny}, {@code describe}, and the errors it relays.
 */
class KubectlCertificatesTest extends KubectlServerTest {
    private static String csr(String name, String signer, String usages, String extra) {
        String pem = CertificateRequests.create(KeyAlgorithm.EC_P256.generate(), "jane", List.of("devs"));
        return """
            apiVersion: certificates.k8s.io/v1
            kind: CertificateSigningRequest
            metadata: {name: %s}
            spec:
              request: %s
              signerName: %s
              usages: [%s]
            %s""".formatted(name, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)), signer, usages, extra);
    }

    @Test
    void getApproveDenyAndErrors() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        Kubectl k = new Kubectl(KUBECTL, server.kubeconfig, Files.createDirectories(dir.resolve("cache")));
        k.run(csr("jane", "kubernetes.io/kube-apiserver-client", "digital signature, client auth", "  expirationSeconds: 86400\n"),
            "create", "-f", "-");
        k.run(csr("mallory", "example.com/custom", "client auth", ""), "create", "-f", "-");

        Kubectl.Result get = k.ok("get", "csr");
        String[] lines = get.out().split("\n");
        assertThat(lines[0].split("\\s+")).containsExactly("NAME", "AGE", "SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION");
        assertThat(get.out()).containsPattern("jane\\s+\\S+\\s+kubernetes.io/kube-apiserver-client\\s+admin\\s+24h\\s+Pending")
            .containsPattern("mallory\\s+\\S+\\s+example.com/custom\\s+admin\\s+<none>\\s+Pending");

        assertThat(k.ok("certificate", "approve", "jane").out()).contains("certificatesigningrequest.certificates.k8s.io/jane approved");
        assertThat(k.ok("certificate", "deny", "mallory").out()).contains("certificatesigningrequest.certificates.k8s.io/mallory denied");
        get = k.ok("get", "csr");
        assertThat(get.out()).containsPattern("jane\\s+.*\\s+Approved\\n").containsPattern("mallory\\s+.*\\s+Denied\\n");
        assertThat(k.ok("get", "csr", "jane", "-o", "jsonpath={.status.conditions[0].type}/{.status.conditions[0].reason}").out())
            .isEqualTo("Approved/KubectlApprove");
        // approving twice is a no-op; approving a denied request is refused with upstream's message
        k.ok("certificate", "approve", "jane");
        Kubectl.Result refused = k.run(null, "certificate", "approve", "mallory");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("is already Denied");
        assertThat(k.ok("describe", "csr", "jane").out()).contains("Requesting User:").contains("admin").contains("Approved");

        Kubectl.Result bad = k.run(csr("bad", "no-slash", "client auth", ""), "create", "-f", "-");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("spec.signerName: Invalid value: \"no-slash\"")
            .contains("must be a fully qualified domain and path of the form 'example.com/signer-name'");
    }
}
