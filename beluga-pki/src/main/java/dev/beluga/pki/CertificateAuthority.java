package dev.beluga.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The cluster's certificate authority: a self-signed ECDSA P-256 CA that issues serving certificates (with SANs) and
 * client certificates (CN = user, O = groups, the way Kubernetes maps client certificates to identities).
 *
 * <p>Thread-safe: issuing only reads the CA key.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** Creates a new CA valid for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        try {
            KeyPair kp = newKeyPair();
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(validity)), name, kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new CertificateAuthority(sign(b, kp.getPrivate()), kp.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    /** A serving certificate for the given names and addresses (serverAuth). */
    public IssuedCertificate issueServing(String commonName, List<String> dnsNames, List<InetAddress> ips, Duration validity) {
        KeyPair kp = newKeyPair();
        List<GeneralName> sans = new ArrayList<>();
        for (String d : dnsNames) sans.add(new GeneralName(GeneralName.dNSName, d));
        for (InetAddress ip : ips) sans.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
        X509Certificate cert = issue(subject(commonName, List.of()), kp.getPublic(), validity, KeyPurposeId.id_kp_serverAuth, sans);
        return new IssuedCertificate(cert, kp.getPrivate(), List.of(cert, certificate));
    }

    /** A client certificate: CN is the user name, O the groups. */
    public IssuedCertificate issueClient(String commonName, List<String> organizations, Duration validity) {
        KeyPair kp = newKeyPair();
        X509Certificate cert = issue(subject(commonName, organizations), kp.getPublic(), validity, KeyPurposeId.id_kp_clientAuth, List.of());
        return new IssuedCertificate(cert, kp.getPrivate(), List.of(cert, certificate));
    }

    /**
     * Signs a PKCS#10 request (PEM) as a client certificate for {@code commonName}/{@code organizations}; the name in the
     * request is ignored, its signature must verify.
     */
    public X509Certificate signClientCsr(String csrPem, String commonName, List<String> organizations, Duration validity) {
        try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
            Object o = p.readObject();
            if (!(o instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest csr))
                throw new IllegalArgumentException("not a PEM certificate request");
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo())))
                throw new IllegalArgumentException("the certificate request's signature does not verify");
            PublicKey pub = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
            return issue(subject(commonName, organizations), pub, validity, KeyPurposeId.id_kp_clientAuth, List.of());
        } catch (IOException | org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalArgumentException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }

    private X509Certificate issue(X500Name subject, PublicKey pub, Duration validity, KeyPurposeId purpose, List<GeneralName> sans) {
        try {
            Instant now = Instant.now();
            Instant notAfter = now.plus(validity);
            if (notAfter.isAfter(certificate.getNotAfter().toInstant())) notAfter = certificate.getNotAfter().toInstant();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(60)),
                Date.from(notAfter), subject, pub);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            return sign(b, key);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static X500Name subject(String cn, List<String> orgs) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        for (String o : orgs) b.addRDN(BCStyle.O, o);
        b.addRDN(BCStyle.CN, cn);
        return b.build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signingKey) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** Used by tests and agents: a PEM certificate request for a new key. */
    public static String newCsrPem(KeyPair kp, String cn) {
        try {
            var b = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, cn).build(), kp.getPublic());
            PKCS10CertificationRequest csr = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            return Pem.encode(csr);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }
}
