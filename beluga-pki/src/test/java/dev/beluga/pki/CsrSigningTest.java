package dev.beluga.pki;

import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static dev.beluga.pki.TestSupport.CLIENT_AUTH;
import static dev.beluga.pki.TestSupport.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsrSigningTest {
    private final CertificateAuthority ca = CertificateAuthority.create();

    @Test
    void signsAnEcRequestWithTheNameTheCaChooses() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        byte[] csr = CertificateRequests.create(keys, "whatever-the-agent-asks", List.of("system:masters")).getBytes(StandardCharsets.US_ASCII);

        X509Certificate cert = ca.signClientCsr(csr, "system:node:n1", List.of("system:nodes"), Duration.ofDays(1));

        validate(cert, ca.certificate());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(X509Identity.fromCertificate(cert)).isEqualTo(new X509Identity("system:node:n1", List.of("system:nodes")));
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(new IssuedCertificate(cert, keys.getPrivate(), List.of(cert, ca.certificate())).keyMatches()).isTrue();
    }

    @Test
    void signsAServingRequestForTheNamesTheCaChooses() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        String csr = CertificateRequests.create(keys, "anything", List.of());
        var ip = java.net.InetAddress.getByName("192.0.2.7");

        X509Certificate cert = ca.signServingCsr(csr.getBytes(StandardCharsets.US_ASCII), "system:node:n1", List.of("system:nodes"),
            List.of("n1"), List.of(ip), Duration.ofDays(1));

        validate(cert, ca.certificate());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(X509Identity.fromCertificate(cert)).isEqualTo(new X509Identity("system:node:n1", List.of("system:nodes")));
        assertThat(cert.getExtendedKeyUsage()).containsExactly(TestSupport.SERVER_AUTH);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).isTrue(); // digitalSignature
        assertThat(SubjectAltNames.of(cert)).isEqualTo(SubjectAltNames.of(List.of("n1"), List.of(ip)));
        assertThatThrownBy(() -> ca.signServingCsr(csr.getBytes(StandardCharsets.US_ASCII), "system:node:x", List.of(), List.of("bad name"),
            List.of(), Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DNS name");
        assertThatThrownBy(() -> ca.signServingCsr("junk".getBytes(StandardCharsets.US_ASCII), "system:node:x", List.of(), List.of("x"),
            List.of(), Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signsAnRsaRequest() throws Exception {
        KeyPair keys = KeyAlgorithm.RSA_2048.generate();
        X509Certificate cert = ca.signClientCsr(CertificateRequests.create(keys, "x", List.of()), "agent", List.of(), Duration.ofDays(1));
        validate(cert, ca.certificate());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
    }

    @Test
    void rejectsARequestWhoseSignatureDoesNotVerify() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        PKCS10CertificationRequest genuine = Pem.certificateRequest(CertificateRequests.create(keys, "a", List.of()));
        CertificationRequest parts = genuine.toASN1Structure();
        CertificationRequestInfo info = parts.getCertificationRequestInfo();
        CertificationRequestInfo altered = new CertificationRequestInfo(new X500Name("CN=b"), info.getSubjectPublicKeyInfo(), info.getAttributes());
        var forged = new PKCS10CertificationRequest(new CertificationRequest(altered, parts.getSignatureAlgorithm(), parts.getSignature()));

        assertThatThrownBy(() -> ca.signClientCsr(Pem.encodeCertificateRequest(forged), "a", List.of(), Duration.ofDays(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature");
    }

    @Test
    void rejectsWeakKeysAndGarbage() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        String weak = CertificateRequests.create(generator.generateKeyPair(), "a", List.of());
        assertThatThrownBy(() -> ca.signClientCsr(weak, "a", List.of(), Duration.ofDays(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
        assertThatThrownBy(() -> ca.signClientCsr("not pem".getBytes(StandardCharsets.US_ASCII), "a", List.of(), Duration.ofDays(1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.signClientCsr(Pem.encodeCertificate(ca.certificate()), "a", List.of(), Duration.ofDays(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate request");
    }
}
