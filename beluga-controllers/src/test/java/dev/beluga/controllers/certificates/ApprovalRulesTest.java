package dev.beluga.controllers.certificates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.beluga.controllers.certificates.CsrFixtures.csr;
import static dev.beluga.controllers.certificates.CsrFixtures.nodeClient;
import static dev.beluga.controllers.certificates.CsrFixtures.nodeServing;
import static dev.beluga.controllers.certificates.CsrFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

/** What the approving controller approves by itself, and what it leaves pending. */
class ApprovalRulesTest {
    static final Node N1 = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress("10.0.0.1").endAddress()
        .addNewAddress().withType("Hostname").withAddress("n1.lan").endAddress().endStatus().build();

    static Optional<ApprovalRules.Approval> decide(CertificateSigningRequest c) {
        return ApprovalRules.decide(c, name -> name.equals("n1") ? Optional.of(N1) : Optional.empty());
    }

    @Test
    void aNodeRenewingItsOwnClientCertificateIsApproved() {
        assertThat(decide(nodeClient("a", "n1", "system:node:n1"))).hasValueSatisfying(a -> {
            assertThat(a.reason()).isEqualTo("AutoApproved");
            assertThat(a.message()).contains("self kubelet client certificate");
        });
    }

    @Test
    void clientCertificatesForAnotherIdentityAreLeftPending() {
        assertThat(decide(nodeClient("other-node", "n2", "system:node:n1"))).isEmpty();
        assertThat(decide(nodeClient("admin-asks", "n1", "admin"))).isEmpty();
        CertificateSigningRequest notInGroup = new CertificateSigningRequestBuilder(nodeClient("no-group", "n1", "system:node:n1"))
            .editSpec().withGroups("system:authenticated").endSpec().build();
        assertThat(decide(notInGroup)).isEmpty();
        CertificateSigningRequest badUsages = csr("bad", SignerConstraints.KUBELET_CLIENT,
            request("system:node:n1", List.of("system:nodes"), List.of(), List.of()), "system:node:n1", List.of("system:nodes"),
            "client auth", "server auth").build();
        assertThat(decide(badUsages)).isEmpty();
        CertificateSigningRequest otherSigner = csr("x", SignerConstraints.KUBE_APISERVER_CLIENT,
            request("system:node:n1", List.of("system:nodes"), List.of(), List.of()), "system:node:n1", List.of("system:nodes"),
            "digital signature", "client auth").build();
        assertThat(decide(otherSigner)).isEmpty();
    }

    @Test
    void servingCertificatesForTheNodesOwnNamesAndAddressesAreApproved() {
        assertThat(decide(nodeServing("s", "n1", List.of("n1", "n1.lan"), List.of("10.0.0.1", "127.0.0.1")))).isPresent();
        assertThat(decide(nodeServing("ip-only", "n1", List.of(), List.of("10.0.0.1")))).isPresent();
    }

    @Test
    void servingCertificatesForOtherNamesOrUnknownNodesAreLeftPending() {
        assertThat(decide(nodeServing("foreign-ip", "n1", List.of("n1"), List.of("10.0.0.2")))).isEmpty();
        assertThat(decide(nodeServing("foreign-dns", "n1", List.of("n1", "api.example.com"), List.of()))).isEmpty();
        assertThat(decide(nodeServing("no-node", "n2", List.of("n2"), List.of()))).isEmpty();
    }

    @Test
    void decidedRequestsAreNotDecidedAgain() {
        CertificateSigningRequest denied = new CertificateSigningRequestBuilder(nodeClient("d", "n1", "system:node:n1")).withNewStatus()
            .addNewCondition().withType("Denied").withStatus("True").endCondition().endStatus().build();
        assertThat(decide(denied)).isEmpty();
    }
}
