package dev.beluga.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class X509IdentityTest {
    private final CertificateAuthority ca = CertificateAuthority.create();

    @Test
    void userIsTheCommonNameAndGroupsAreTheOrganizationsInOrder() {
        X509Certificate cert = ca.issueClient("jane", List.of("dev", "system:masters", "ops, west"), java.time.Duration.ofDays(1)).certificate();
        assertThat(X509Identity.fromCertificate(cert)).isEqualTo(new X509Identity("jane", List.of("dev", "system:masters", "ops, west")));
    }

    @Test
    void noOrganizationMeansNoGroupsAndNonAsciiSurvives() {
        X509Certificate cert = ca.issueClient("jörg", List.of(), java.time.Duration.ofDays(1)).certificate();
        assertThat(X509Identity.fromCertificate(cert)).isEqualTo(new X509Identity("jörg", List.of()));
    }

    @Test
    void theLastCommonNameWinsAsInKubernetes() {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "first").addRDN(BCStyle.O, "g").addRDN(BCStyle.CN, "second").build();
        assertThat(X509Identity.fromCertificate(certificateFor(subject))).isEqualTo(new X509Identity("second", List.of("g")));
    }

    @Test
    void aSubjectWithoutCommonNameHasNoIdentity() {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "system:masters").build();
        assertThatThrownBy(() -> X509Identity.fromCertificate(certificateFor(subject)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no common name");
    }

    private X509Certificate certificateFor(X500Name subject) {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        Instant now = Instant.now();
        var profile = new CertificateSigner.Profile(subject, keys.getPublic(), now, now.plusSeconds(3600), false,
            KeyUsage.digitalSignature, List.of(), SubjectAltNames.NONE);
        return CertificateSigner.sign(profile, SubjectNames.subject(ca.certificate()), CertificateSigner.keyIdentifier(ca.certificate()), ca.key());
    }
}
