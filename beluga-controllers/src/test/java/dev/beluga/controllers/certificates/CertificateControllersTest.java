package dev.beluga.controllers.certificates;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import dev.beluga.controllers.testing.MutableClock;
import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.Kubeconfig;
import dev.beluga.pki.Pem;
import dev.beluga.pki.SubjectAltNames;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signing, approving and cleaning controllers against a real API server: a node's own client and serving
 * requests approved and signed, a serving request for a foreign address left pending, an admin's request signed
 * after a manual approval with its expirationSeconds, a denied one never signed, a request violating its signer's
 * rules marked Failed, and everything cleaned up once its deadline has passed (fake clock).
 */
class CertificateControllersTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient admin;
    static KubernetesClient node;
    static ClusterPki pki;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() throws Exception {
        pki = ClusterPki.loadOrCreate(dir.resolve("tls"), List.of(), List.of()); // the test server loads this one
        CertificateSigning signing = new CertificateSigning(pki.ca(), CertificateSigning.DEFAULT_DURATION);
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new CsrSigningController(signing),
            new CsrApprovingController(), new CsrCleanerController()), clock);
        admin = cluster.client;
        Path nodeConfig = dir.resolve("node.yaml");
        Kubeconfig.write(nodeConfig, Kubeconfig.withClientCertificate(cluster.server.url(), pki.caCertificate(),
            pki.ca().issueClient("system:node:n1", List.of("system:nodes"), Duration.ofHours(1))));
        node = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(nodeConfig))).build();
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
        var n = admin.nodes().withName("n1").get();
        n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().addNewAddress().withType("InternalIP").withAddress("10.0.0.1")
            .endAddress().addNewAddress().withType("Hostname").withAddress("n1").endAddress().build());
        admin.nodes().resource(n).updateStatus();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        cluster.close();
    }

    static CertificateSigningRequest create(KubernetesClient as, String name, String signer, KeyPair keys, String cn, List<String> orgs,
                                            SubjectAltNames names, Integer seconds, String... usages) {
        String pem = CertificateRequests.create(keys, cn, orgs, names);
        return as.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder().withNewMetadata()
            .withName(name).endMetadata().withNewSpec().withSignerName(signer).withExpirationSeconds(seconds)
            .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))).withUsages(usages).endSpec()
            .build()).create();
    }

    static CertificateSigningRequest get(String name) {
        return admin.certificates().v1().certificateSigningRequests().withName(name).get();
    }

    static X509Certificate issued(String name) throws InterruptedException {
        eventually(name + " issued", () -> get(name).getStatus().getCertificate() != null);
        return Pem.certificates(new String(Base64.getDecoder().decode(get(name).getStatus().getCertificate()), StandardCharsets.US_ASCII)).getFirst();
    }

    static List<String> conditionTypes(String name) {
        return Csrs.conditions(get(name)).stream().map(CertificateSigningRequestCondition::getType).toList();
    }

    @Test
    void aNodesOwnRequestsAreApprovedAndSigned() throws Exception {
        KeyPair clientKeys = KeyAlgorithm.EC_P256.generate();
        create(node, "n1-client", SignerConstraints.KUBELET_CLIENT, clientKeys, "system:node:n1", List.of("system:nodes"),
            SubjectAltNames.NONE, 3600, "digital signature", "client auth");
        X509Certificate client = issued("n1-client");
        assertThat(pki.ca().hasIssued(client)).isTrue();
        assertThat(client.getPublicKey()).isEqualTo(clientKeys.getPublic());
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:n1,O=system:nodes");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Duration.between(Instant.now(), client.getNotAfter().toInstant())).isBetween(Duration.ofMinutes(58), Duration.ofMinutes(61));
        assertThat(Csrs.trueCondition(get("n1-client"), "Approved")).hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("AutoApproved"));

        KeyPair servingKeys = KeyAlgorithm.EC_P256.generate();
        create(node, "n1-serving", SignerConstraints.KUBELET_SERVING, servingKeys, "system:node:n1", List.of("system:nodes"),
            SubjectAltNames.of(List.of("n1"), List.of(CsrFixtures.ip("10.0.0.1"), CsrFixtures.ip("127.0.0.1"))), null,
            "digital signature", "server auth");
        X509Certificate serving = issued("n1-serving");
        assertThat(SubjectAltNames.of(serving).containsAll(SubjectAltNames.of(List.of("n1"), List.of(CsrFixtures.ip("10.0.0.1"))))).isTrue();
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Duration.between(Instant.now(), serving.getNotAfter().toInstant())).isGreaterThan(Duration.ofDays(364));

        create(node, "n1-foreign", SignerConstraints.KUBELET_SERVING, KeyAlgorithm.EC_P256.generate(), "system:node:n1",
            List.of("system:nodes"), SubjectAltNames.of(List.of("n1"), List.of(CsrFixtures.ip("10.9.9.9"))), null, "digital signature", "server auth");
        create(node, "n1-later", SignerConstraints.KUBELET_CLIENT, KeyAlgorithm.EC_P256.generate(), "system:node:n1",
            List.of("system:nodes"), SubjectAltNames.NONE, null, "digital signature", "client auth");
        issued("n1-later"); // the foreign one had its turn before
        assertThat(conditionTypes("n1-foreign")).isEmpty();
        assertThat(get("n1-foreign").getStatus().getCertificate()).isNull();
    }

    @Test
    void manualApprovalDenialAndSignerFailures() throws Exception {
        create(admin, "jane", SignerConstraints.KUBE_APISERVER_CLIENT, KeyAlgorithm.EC_P256.generate(), "jane", List.of("devs"),
            SubjectAltNames.NONE, 7200, "client auth");
        create(admin, "mallory", SignerConstraints.KUBE_APISERVER_CLIENT, KeyAlgorithm.EC_P256.generate(), "mallory", List.of(),
            SubjectAltNames.NONE, null, "client auth");
        create(admin, "bad-usage", SignerConstraints.KUBELET_CLIENT, KeyAlgorithm.EC_P256.generate(), "system:node:n9",
            List.of("system:nodes"), SubjectAltNames.NONE, null, "client auth", "server auth");
        Thread.sleep(500);
        assertThat(get("jane").getStatus().getCertificate()).as("not signed before approval").isNull();
        admin.certificates().v1().certificateSigningRequests().withName("jane").approve();
        admin.certificates().v1().certificateSigningRequests().withName("mallory").deny();
        admin.certificates().v1().certificateSigningRequests().withName("bad-usage").approve();
        X509Certificate jane = issued("jane");
        assertThat(jane.getSubjectX500Principal().getName()).isEqualTo("CN=jane,O=devs");
        assertThat(Duration.between(Instant.now(), jane.getNotAfter().toInstant())).isBetween(Duration.ofMinutes(118), Duration.ofMinutes(121));
        eventually("bad-usage failed", () -> Csrs.failed(get("bad-usage")));
        assertThat(Csrs.trueCondition(get("bad-usage"), "Failed").get().getReason()).isEqualTo("SignerValidationFailure");
        assertThat(Csrs.trueCondition(get("bad-usage"), "Failed").get().getMessage())
            .isEqualTo("usages did not match [client auth digital signature key encipherment]");
        assertThat(get("bad-usage").getStatus().getCertificate()).isNull();
        assertThat(get("mallory").getStatus().getCertificate()).isNull();
    }

    @Test
    void theCleanerRemovesRequestsPastTheirDeadline() throws Exception {
        create(admin, "to-clean", SignerConstraints.KUBE_APISERVER_CLIENT, KeyAlgorithm.EC_P256.generate(), "x", List.of(),
            SubjectAltNames.NONE, null, "client auth");
        Thread.sleep(300);
        assertThat(get("to-clean")).isNotNull();
        clock.advance(Duration.ofHours(25));
        try {
            admin.certificates().v1().certificateSigningRequests().withName("to-clean")
                .edit(c -> new CertificateSigningRequestBuilder(c).editMetadata().addToLabels("touch", "1").endMetadata().build());
            eventually("pending request deleted after a day", () -> get("to-clean") == null);
        } finally {
            clock.advance(Duration.ofHours(-25));
        }
    }
}
