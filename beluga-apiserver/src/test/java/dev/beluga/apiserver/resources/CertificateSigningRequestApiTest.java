package dev.beluga.apiserver.resources;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.Pem;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests on a real API server through the fabric8 client: the requester
 * recorded from the authenticated user, approval and denial through {@code /approval}, the certificate through
 * {@code /status} (once), what each path may not change, upstream's validation errors, and the table.
 */
class CertificateSigningRequestApiTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        client = server.adminClient();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    static String request(String cn, List<String> orgs) {
        String pem = CertificateRequests.create(KeyAlgorithm.EC_P256.generate(), cn, orgs);
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    static CertificateSigningRequestBuilder csr(String name) {
        return new CertificateSigningRequestBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
            .withRequest(request("jane", List.of("devs"))).withSignerName("kubernetes.io/kube-apiserver-client")
            .withUsages("digital signature", "client auth").withExpirationSeconds(3600).endSpec();
    }

    static CertificateSigningRequest create(CertificateSigningRequest c) {
        return client.certificates().v1().certificateSigningRequests().resource(c).create();
    }

    static KubernetesClientException invalid(java.util.function.Supplier<?> r) {
        Object result;
        try {
            result = r.get();
        } catch (KubernetesClientException e) {
            return e;
        }
        throw new AssertionError("accepted: " + result);
    }

    @Test
    void theRequesterIsTheAuthenticatedUserAndTheStatusStartsEmpty() {
        CertificateSigningRequest c = create(csr("requester").editSpec().withUsername("someone-else").withGroups("system:masters-not")
            .endSpec().withNewStatus().addNewCondition().withType("Approved").withStatus("True").endCondition().endStatus().build());
        assertThat(c.getSpec().getUsername()).isEqualTo("admin");
        assertThat(c.getSpec().getGroups()).containsExactly("system:masters", "system:authenticated");
        assertThat(c.getStatus() == null || c.getStatus().getConditions().isEmpty()).isTrue();
        // the main resource changes neither spec nor status
        CertificateSigningRequest edited = client.certificates().v1().certificateSigningRequests().withName("requester")
            .edit(x -> new CertificateSigningRequestBuilder(x).editSpec().withUsages("server auth").endSpec().editMetadata()
                .addToLabels("a", "b").endMetadata().build());
        assertThat(edited.getSpec().getUsages()).containsExactly("digital signature", "client auth");
        assertThat(edited.getMetadata().getLabels()).containsEntry("a", "b");
    }

    @Test
    void approvedThenIssuedOnceThroughStatus() throws Exception {
        create(csr("approved").build());
        CertificateSigningRequest a = client.certificates().v1().certificateSigningRequests().withName("approved")
            .approve(condition("Approved", "Looks good"));
        CertificateSigningRequestCondition approved = a.getStatus().getConditions().getFirst();
        assertThat(approved.getType()).isEqualTo("Approved");
        assertThat(approved.getLastUpdateTime()).isNotEmpty();
        assertThat(approved.getLastTransitionTime()).isNotEmpty();

        // the signer's write: the certificate through /status; the Approved condition cannot be dropped there
        String cert = Base64.getEncoder().encodeToString(Pem.encodeCertificate(server.pki.caCertificate()).getBytes(StandardCharsets.US_ASCII));
        CertificateSigningRequest s = client.certificates().v1().certificateSigningRequests().withName("approved").get();
        s.getStatus().setCertificate(cert);
        s.getStatus().setConditions(List.of());
        CertificateSigningRequest issued = client.certificates().v1().certificateSigningRequests().resource(s).updateStatus();
        assertThat(issued.getStatus().getCertificate()).isEqualTo(cert);
        assertThat(issued.getStatus().getConditions()).extracting(CertificateSigningRequestCondition::getType).containsExactly("Approved");

        // set once
        issued.getStatus().setCertificate(Base64.getEncoder().encodeToString(
            Pem.encodeCertificate(server.pki.admin().certificate()).getBytes(StandardCharsets.US_ASCII)));
        KubernetesClientException e = invalid(() -> client.certificates().v1().certificateSigningRequests().resource(issued).updateStatus());
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains("status.certificate").contains("updates may not modify existing certificate content");
        // the approval cannot be taken back
        CertificateSigningRequest back = client.certificates().v1().certificateSigningRequests().withName("approved").get();
        back.getStatus().setConditions(List.of());
        e = invalid(() -> client.certificates().v1().certificateSigningRequests().withName("approved").approve(condition("Failed", "x")));
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains("updates may not remove a condition of type \"Approved\"");
    }

    @Test
    void deniedRequestsCannotBeApprovedAndStatusCannotAddApproval() {
        create(csr("denied").build());
        CertificateSigningRequest d = client.certificates().v1().certificateSigningRequests().withName("denied").deny();
        assertThat(d.getStatus().getConditions()).extracting(CertificateSigningRequestCondition::getType).containsExactly("Denied");
        // as kubectl certificate approve does: the Approved condition appended to the existing ones
        d.getStatus().getConditions().add(condition("Approved", ""));
        KubernetesClientException e = invalid(() -> client.certificates().v1().certificateSigningRequests().resource(d)
            .subresource("approval").update());
        assertThat(e.getCode()).isEqualTo(422);
        assertThat(e.getMessage()).contains("Approved and Denied conditions are mutually exclusive");
        assertThat(client.certificates().v1().certificateSigningRequests().withName("denied").get().getStatus().getConditions())
            .extracting(CertificateSigningRequestCondition::getType).containsExactly("Denied");

        create(csr("status-approves").build());
        CertificateSigningRequest s = client.certificates().v1().certificateSigningRequests().withName("status-approves").get();
        s.setStatus(new io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder()
            .withConditions(condition("Approved", "by status"), condition("Failed", "signer broke")).build());
        CertificateSigningRequest after = client.certificates().v1().certificateSigningRequests().resource(s).updateStatus();
        assertThat(after.getStatus().getConditions()).extracting(CertificateSigningRequestCondition::getType).containsExactly("Failed");
        // a certificate is not taken from the main resource or from approval
        CertificateSigningRequest m = client.certificates().v1().certificateSigningRequests().withName("status-approves").get();
        m.getStatus().setCertificate("Zm9v");
        client.certificates().v1().certificateSigningRequests().resource(m).update();
        client.certificates().v1().certificateSigningRequests().resource(m).subresource("approval").update();
        assertThat(client.certificates().v1().certificateSigningRequests().withName("status-approves").get().getStatus().getCertificate()).isNull();
    }

    @Test
    void invalidRequestsAre422WithTheirFields() {
        record Case(CertificateSigningRequest csr, String field, String message) {
        }
        List<Case> cases = List.of(
            new Case(csr("no-signer").editSpec().withSignerName(null).endSpec().build(), "spec.signerName", "Required value"),
            new Case(csr("bad-signer").editSpec().withSignerName("no-slash").endSpec().build(), "spec.signerName",
                "must be a fully qualified domain and path of the form 'example.com/signer-name'"),
            new Case(csr("legacy").editSpec().withSignerName("kubernetes.io/legacy-unknown").endSpec().build(), "spec.signerName",
                "the legacy signerName is not allowed via this API version"),
            new Case(csr("not-pem").editSpec().withRequest(Base64.getEncoder().encodeToString("hello".getBytes())).endSpec().build(),
                "spec.request", "Invalid value"),
            new Case(csr("no-usages").editSpec().withUsages(List.of()).endSpec().build(), "spec.usages", "Required value"),
            new Case(csr("odd-usage").editSpec().withUsages("client auth", "flying").endSpec().build(), "spec.usages[1]",
                "Unsupported value: \\\"flying\\\""),
            new Case(csr("twice").editSpec().withUsages("client auth", "client auth").endSpec().build(), "spec.usages[1]", "Duplicate value"),
            new Case(csr("short").editSpec().withExpirationSeconds(599).endSpec().build(), "spec.expirationSeconds",
                "may not specify a duration less than 600 seconds (10 minutes)"));
        for (Case c : cases) {
            KubernetesClientException e = invalid(() -> create(c.csr()));
            assertThat(e.getCode()).as(c.field()).isEqualTo(422);
            assertThat(e.getStatus().getDetails().getCauses()).as(c.field()).anySatisfy(cause -> {
                assertThat(cause.getField()).isEqualTo(c.field());
                assertThat(cause.getMessage()).contains(c.message().replace("\\\"", "\""));
            });
            assertThat(client.certificates().v1().certificateSigningRequests().withName(c.csr().getMetadata().getName()).get()).isNull();
        }
    }

    @Test
    void fieldSelectorOnSignerName() {
        create(csr("sel-client").build());
        create(csr("sel-serving").editSpec().withRequest(request("system:node:n1", List.of("system:nodes")))
            .withSignerName("kubernetes.io/kubelet-serving").withUsages("digital signature", "server auth").endSpec().build());
        assertThat(client.certificates().v1().certificateSigningRequests().withField("spec.signerName", "kubernetes.io/kubelet-serving")
            .list().getItems()).extracting(x -> x.getMetadata().getName()).contains("sel-serving").doesNotContain("sel-client");
    }

    static CertificateSigningRequestCondition condition(String type, String message) {
        return new CertificateSigningRequestConditionBuilder().withType(type).withStatus("True").withReason("Test")
            .withMessage(message).build();
    }
}
