package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.beluga.pki.TestSupport.CLIENT_AUTH;
import static dev.beluga.pki.TestSupport.SERVER_AUTH;
import static dev.beluga.pki.TestSupport.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CertificateAuthorityTest {
    // keyUsage bit indexes (RFC 5280): digitalSignature(0) keyEncipherment(2) keyCertSign(5) cRLSign(6)
    private static final boolean[] CA_USAGE = {false, false, false, false, false, true, true, false, false};

    @TempDir
    Path dir;

    @Test
    void defaultCaIsSelfSignedEcP256ForTenYears() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        X509Certificate cert = ca.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).matches("CN=beluga-ca@\\d+");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        assertThat(cert.getBasicConstraints()).as("cA=true").isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()).containsExactly(CA_USAGE);
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getOrder().bitLength()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).isBetween(3649L, 3650L);
        assertThat(cert.getNotBefore().toInstant()).isBefore(Instant.now());
    }

    @Test
    void servingCertificatesValidateAndCarryNamesAndServerAuth() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        IssuedCertificate serving = ca.issueServing("api", List.of("Beluga.Example", "kubernetes.default.svc"),
            List.of(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("fd00::7")), Duration.ofDays(30));
        X509Certificate cert = serving.certificate();

        validate(cert, ca.certificate());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=api");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(0) + "=" + l.get(1))
            .containsExactly("2=beluga.example", "2=kubernetes.default.svc", "7=10.1.2.3", "7=fd00:0:0:0:0:0:0:7");
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).isBetween(29L, 30L);
        assertThat(serving.chain()).containsExactly(cert, ca.certificate());
        assertThat(serving.keyMatches()).isTrue();
    }

    @Test
    void issuedCertificatesDoNotValidateAgainstAnotherCa() {
        CertificateAuthority ca = CertificateAuthority.create();
        CertificateAuthority other = CertificateAuthority.create();
        IssuedCertificate client = ca.issueClient("eve", List.of(), Duration.ofDays(1));
        assertThatThrownBy(() -> validate(client.certificate(), other.certificate())).isInstanceOf(CertPathValidatorException.class);
        assertThat(other.hasIssued(client.certificate())).isFalse();
        assertThat(ca.hasIssued(client.certificate())).isTrue();
    }

    @Test
    void clientCertificatesNameUserAndGroupsWithClientAuth() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        X509Certificate cert = ca.issueClient("admin", List.of("system:masters", "ops"), Duration.ofDays(1)).certificate();
        validate(cert, ca.certificate());
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(cert.getSubjectAlternativeNames()).isNull();
        assertThat(X509Identity.fromCertificate(cert)).isEqualTo(new X509Identity("admin", List.of("system:masters", "ops")));
    }

    @Test
    void leafValidityNeverOutlivesTheCa() {
        CertificateAuthority ca = CertificateAuthority.create("short", Duration.ofDays(2));
        X509Certificate cert = ca.issueClient("u", List.of(), Duration.ofDays(365)).certificate();
        assertThat(cert.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void savesAndLoadsTheSameCaWithAPrivateKeyFile() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        ca.save(dir);
        assertThat(TestSupport.mode(dir.resolve("ca.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(TestSupport.mode(dir.resolve("ca.crt"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(TestSupport.tempFiles(dir)).isEmpty();

        CertificateAuthority loaded = CertificateAuthority.load(dir);
        assertThat(loaded.certificate()).isEqualTo(ca.certificate());
        X509Certificate issuedByLoaded = loaded.issueClient("u", List.of(), Duration.ofDays(1)).certificate();
        validate(issuedByLoaded, ca.certificate());
    }

    @Test
    void refusesAKeyThatIsNotTheCertificatesOrANonCaCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        CertificateAuthority other = CertificateAuthority.create();
        ca.save(dir);
        Files.writeString(dir.resolve("ca.key"), Pem.encodePrivateKey(other.key()));
        assertThatThrownBy(() -> CertificateAuthority.load(dir)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");

        IssuedCertificate leaf = ca.issueClient("u", List.of(), Duration.ofDays(1));
        assertThatThrownBy(() -> new CertificateAuthority(leaf.certificate(), leaf.key()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CA");
    }

    @Test
    void rsaCaIssuesRsaLeavesWithKeyEncipherment() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("rsa-ca", Duration.ofDays(10), KeyAlgorithm.RSA_2048);
        IssuedCertificate serving = ca.issueServing("api", List.of("localhost"), List.of(), Duration.ofDays(1));
        validate(serving.certificate(), ca.certificate());
        assertThat(serving.certificate().getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(serving.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(serving.certificate().getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(serving.keyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    }

    @Test
    void rejectsInvalidArguments() {
        CertificateAuthority ca = CertificateAuthority.create();
        assertThatThrownBy(() -> ca.issueClient(" ", List.of(), Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueClient("u", List.of(""), Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueClient("u", List.of(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ca.issueServing("api", List.of("not a name"), List.of(), Duration.ofDays(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a name");
        assertThatThrownBy(() -> CertificateAuthority.create("ca", Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void notBeforeIsBackdatedForClockSkew() {
        CertificateAuthority ca = CertificateAuthority.create();
        X509Certificate cert = ca.issueClient("u", List.of(), Duration.ofDays(1)).certificate();
        assertThat(Duration.between(cert.getNotBefore().toInstant(), Instant.now()).toSeconds())
            .isCloseTo(CertificateAuthority.BACKDATE.toSeconds(), within(30L));
    }
}
