package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.SubjectAltNames;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** CertificateSigningRequests for the certificate controllers' tests. */
final class CsrFixtures {
    private CsrFixtures() {
    }

    static String request(String cn, List<String> orgs, List<String> dns, List<String> ips) {
        List<InetAddress> addresses = ips.stream().map(CsrFixtures::ip).toList();
        String pem = CertificateRequests.create(KeyAlgorithm.EC_P256.generate(), cn, orgs, SubjectAltNames.of(dns, addresses));
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A request as the API server stores it: requested by {@code user} in {@code groups}. */
    static CertificateSigningRequestBuilder csr(String name, String signer, String request, String user, List<String> groups,
                                                String... usages) {
        return new CertificateSigningRequestBuilder().withNewMetadata().withName(name).withCreationTimestamp("2026-01-01T00:00:00Z")
            .endMetadata().withNewSpec().withSignerName(signer).withRequest(request).withUsername(user).withGroups(groups)
            .withUsages(usages).endSpec();
    }

    static CertificateSigningRequest nodeClient(String name, String node, String user) {
        return csr(name, SignerConstraints.KUBELET_CLIENT, request("system:node:" + node, List.of("system:nodes"), List.of(), List.of()),
            user, List.of("system:nodes", "system:authenticated"), "digital signature", "client auth").build();
    }

    static CertificateSigningRequest nodeServing(String name, String node, List<String> dns, List<String> ips) {
        return csr(name, SignerConstraints.KUBELET_SERVING, request("system:node:" + node, List.of("system:nodes"), dns, ips),
            "system:node:" + node, List.of("system:nodes", "system:authenticated"), "digital signature", "server auth").build();
    }
}
