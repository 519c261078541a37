package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static dev.beluga.controllers.certificates.CsrFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three signers' checks with upstream's messages. */
class SignerConstraintsTest {
    static CertificateRequest parse(String b64) {
        return CertificateRequest.parse(Base64.getDecoder().decode(b64.getBytes(StandardCharsets.US_ASCII)));
    }

    static Optional<String> check(String signer, String cn, List<String> orgs, List<String> dns, List<String> ips, String... usages) {
        return SignerConstraints.problem(signer, parse(request(cn, orgs, dns, ips)), List.of(usages));
    }

    @Test
    void apiServerClientNeedsClientAuthAndNothingElse() {
        String s = SignerConstraints.KUBE_APISERVER_CLIENT;
        assertThat(check(s, "jane", List.of("devs"), List.of(), List.of(), "client auth")).isEmpty();
        assertThat(check(s, "jane", List.of(), List.of("x.example"), List.of(), "digital signature", "key encipherment", "client auth")).isEmpty();
        assertThat(check(s, "jane", List.of(), List.of(), List.of(), "digital signature")).contains("missing required usage for client certificate: client auth");
        assertThat(check(s, "jane", List.of(), List.of(), List.of(), "client auth", "server auth")).contains("invalid usage for client certificate: server auth");
    }

    @Test
    void kubeletClientNeedsANodeIdentityWithoutNames() {
        String s = SignerConstraints.KUBELET_CLIENT;
        List<String> nodes = List.of("system:nodes");
        assertThat(check(s, "system:node:n1", nodes, List.of(), List.of(), "digital signature", "client auth")).isEmpty();
        assertThat(check(s, "system:node:n1", nodes, List.of(), List.of(), "digital signature", "key encipherment", "client auth")).isEmpty();
        assertThat(check(s, "system:node:n1", List.of("system:masters"), List.of(), List.of(), "digital signature", "client auth"))
            .contains("subject organization is not system:nodes");
        assertThat(check(s, "system:node:n1", List.of("system:nodes", "x"), List.of(), List.of(), "digital signature", "client auth"))
            .contains("subject organization is not system:nodes");
        assertThat(check(s, "admin", nodes, List.of(), List.of(), "digital signature", "client auth"))
            .contains("subject common name does not begin with system:node:");
        assertThat(check(s, "system:node:n1", nodes, List.of("n1"), List.of(), "digital signature", "client auth"))
            .contains("DNS subjectAltNames are not allowed");
        assertThat(check(s, "system:node:n1", nodes, List.of(), List.of("10.0.0.1"), "digital signature", "client auth"))
            .contains("IP subjectAltNames are not allowed");
        assertThat(check(s, "system:node:n1", nodes, List.of(), List.of(), "client auth"))
            .contains("usages did not match [client auth digital signature key encipherment]");
    }

    @Test
    void kubeletServingNeedsANodeIdentityWithNames() {
        String s = SignerConstraints.KUBELET_SERVING;
        List<String> nodes = List.of("system:nodes");
        assertThat(check(s, "system:node:n1", nodes, List.of("n1"), List.of("10.0.0.1"), "digital signature", "server auth")).isEmpty();
        assertThat(check(s, "system:node:n1", nodes, List.of(), List.of(), "digital signature", "server auth"))
            .contains("DNS or IP subjectAltName is required");
        assertThat(check(s, "system:node:n1", nodes, List.of("n1"), List.of(), "digital signature", "client auth"))
            .contains("usages did not match [digital signature key encipherment server auth]");
        assertThat(check(s, "n1", nodes, List.of("n1"), List.of(), "digital signature", "server auth"))
            .contains("subject common name does not begin with system:node:");
        assertThat(check(s, "system:node:n1", List.of(), List.of("n1"), List.of(), "digital signature", "server auth"))
            .contains("subject organization is not system:nodes");
    }

    @Test
    void otherSignersAreNotKnown() {
        assertThatThrownBy(() -> check("example.com/x", "a", List.of(), List.of(), List.of(), "client auth"))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
