package dev.beluga.pki;

import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PemTest {
    private static final String OPENSSL = "/usr/bin/openssl";

    @TempDir
    Path dir;

    @Test
    void certificateChainsRoundTripInOrder() {
        CertificateAuthority ca = CertificateAuthority.create();
        IssuedCertificate leaf = ca.issueClient("u", List.of(), Duration.ofDays(1));
        String pem = leaf.chainPem();
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(pem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        assertThat(Pem.certificates(pem)).containsExactly(leaf.certificate(), ca.certificate());
        assertThat(Pem.certificate(pem)).isEqualTo(leaf.certificate());
        assertThat(Pem.certificates(pem.getBytes(StandardCharsets.US_ASCII))).hasSize(2);
    }

    @Test
    void pkcs8KeysRoundTrip() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            KeyPair keys = algorithm.generate();
            String pem = Pem.encodePrivateKey(keys.getPrivate());
            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
            PrivateKey read = Pem.privateKey(pem);
            assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
            assertThat(Keys.matches(read, keys.getPublic())).isTrue();
        }
    }

    @Test
    void ecKeysInTraditionalFormNameTheCurveAndCarryThePublicPoint() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        String pem = Pem.encodeTraditionalPrivateKey(keys.getPrivate());
        assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----\n").endsWith("-----END EC PRIVATE KEY-----\n");

        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ECPrivateKey sec1 = ECPrivateKey.getInstance(Base64.getDecoder().decode(body));
        assertThat(sec1.getParametersObject()).isEqualTo(SECObjectIdentifiers.secp256r1);
        byte[] spki = keys.getPublic().getEncoded();
        byte[] point = java.util.Arrays.copyOfRange(spki, spki.length - 65, spki.length);
        assertThat(sec1.getPublicKey().getOctets()).as("public point Q = d·G").isEqualTo(point);

        assertThat(Keys.matches(Pem.privateKey(pem), keys.getPublic())).isTrue();
    }

    @Test
    void rsaKeysInTraditionalFormRoundTrip() {
        KeyPair keys = KeyAlgorithm.RSA_2048.generate();
        String pem = Pem.encodeTraditionalPrivateKey(keys.getPrivate());
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----\n");
        assertThat(Keys.matches(Pem.privateKey(pem), keys.getPublic())).isTrue();
    }

    @Test
    void certificateRequestsRoundTrip() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        String pem = CertificateRequests.create(keys, "n1", List.of("g"));
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
        var request = Pem.certificateRequest(pem);
        assertThat(request.getSubject().toString()).isEqualTo("O=g,CN=n1");
        assertThat(Pem.encodeCertificateRequest(request)).isEqualTo(pem);
    }

    @Test
    void readsACertificateOutOfAFileThatAlsoHoldsItsKey() {
        CertificateAuthority ca = CertificateAuthority.create();
        IssuedCertificate leaf = ca.issueClient("u", List.of(), Duration.ofDays(1));
        String both = leaf.keyPem() + leaf.certificatePem();
        assertThat(Pem.certificates(both)).containsExactly(leaf.certificate());
        assertThat(Keys.matches(Pem.privateKey(both), leaf.certificate().getPublicKey())).isTrue();
    }

    @Test
    void rejectsMissingMalformedAndEncryptedContent() {
        assertThatThrownBy(() -> Pem.certificates("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificate");
        assertThatThrownBy(() -> Pem.privateKey(Pem.encodeCertificate(CertificateAuthority.create().certificate())))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no private key");
        assertThatThrownBy(() -> Pem.certificates("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"))
            .isInstanceOf(IllegalArgumentException.class);
        String encrypted = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
            + Base64.getEncoder().encodeToString(new byte[48]) + "\n-----END EC PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(encrypted)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
    }

    @Test
    void opensslReadsOurKeysAndCertificates() throws Exception {
        assumeTrue(TestSupport.executable(OPENSSL), "openssl is not installed");
        CertificateAuthority ca = CertificateAuthority.create();
        IssuedCertificate leaf = ca.issueServing("api", List.of("localhost"), List.of(), Duration.ofDays(1));
        Path key = dir.resolve("leaf.key");
        Path cert = dir.resolve("leaf.crt");
        Path caFile = dir.resolve("ca.crt");
        Files.writeString(key, leaf.keyPem());
        Files.writeString(cert, leaf.certificatePem());
        Files.writeString(caFile, Pem.encodeCertificate(ca.certificate()));

        var check = TestSupport.run(List.of(OPENSSL, "ec", "-in", key.toString(), "-check", "-noout"));
        assertThat(check.exitCode()).as(check.output()).isZero();
        var publicKey = TestSupport.run(List.of(OPENSSL, "pkey", "-in", key.toString(), "-pubout"));
        assertThat(publicKey.exitCode()).as(publicKey.output()).isZero();
        assertThat(publicKey.output()).isEqualTo(Pem.block("PUBLIC KEY", leaf.certificate().getPublicKey().getEncoded()));
        var verify = TestSupport.run(List.of(OPENSSL, "verify", "-CAfile", caFile.toString(), "-purpose", "sslserver", cert.toString()));
        assertThat(verify.output()).contains(cert + ": OK");
        var wrongPurpose = TestSupport.run(List.of(OPENSSL, "verify", "-CAfile", caFile.toString(), "-purpose", "sslclient", cert.toString()));
        assertThat(wrongPurpose.exitCode()).as("a serving certificate is not a client certificate").isNotZero();
    }

    @Test
    void readsKeysOpensslWritesInEveryForm() throws Exception {
        assumeTrue(TestSupport.executable(OPENSSL), "openssl is not installed");
        Path ec = dir.resolve("ec.pem");
        Path rsa = dir.resolve("rsa.pem");
        Path rsaTraditional = dir.resolve("rsa-traditional.pem");
        assertThat(TestSupport.run(List.of(OPENSSL, "ecparam", "-name", "prime256v1", "-genkey", "-out", ec.toString())).exitCode()).isZero();
        assertThat(TestSupport.run(List.of(OPENSSL, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString())).exitCode()).isZero();
        assertThat(TestSupport.run(List.of(OPENSSL, "rsa", "-in", rsa.toString(), "-traditional", "-out", rsaTraditional.toString())).exitCode()).isZero();

        assertThat(Files.readString(ec)).contains("-----BEGIN EC PARAMETERS-----", "-----BEGIN EC PRIVATE KEY-----");
        assertThat(Files.readString(rsa)).contains("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(rsaTraditional)).contains("-----BEGIN RSA PRIVATE KEY-----");
        for (Path file : List.of(ec, rsa, rsaTraditional)) {
            PrivateKey key = Pem.privateKey(Files.readString(file));
            assertThat(Keys.matches(key, opensslPublicKey(file, key.getAlgorithm()))).as(file.toString()).isTrue();
        }
    }

    private static PublicKey opensslPublicKey(Path keyFile, String algorithm) throws Exception {
        var out = TestSupport.run(List.of(OPENSSL, "pkey", "-in", keyFile.toString(), "-pubout", "-outform", "PEM"));
        assertThat(out.exitCode()).as(out.output()).isZero();
        String body = out.output().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}
