package dev.beluga.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

/**
 * Builds and signs X.509 v3 certificates with the extensions this PKI uses: basicConstraints and keyUsage (critical),
 * extendedKeyUsage, subject and authority key identifiers, subjectAltName. Serial numbers are 127-bit random.
 */
final class CertificateSigner {
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateSigner() {
    }

    /**
     * What one certificate says about its subject.
     *
     * @param subject          the subject name
     * @param publicKey        the subject's key
     * @param notBefore        start of validity
     * @param notAfter         end of validity
     * @param ca               whether the subject may sign certificates (basicConstraints cA)
     * @param keyUsage         {@link KeyUsage} bits
     * @param extendedKeyUsages the extended key usages (none: no extension)
     * @param altNames         the subject alternative names (none: no extension)
     */
    record Profile(X500Name subject, PublicKey publicKey, Instant notBefore, Instant notAfter, boolean ca, int keyUsage,
                   java.util.List<KeyPurposeId> extendedKeyUsages, SubjectAltNames altNames) {
    }

    /** Signs {@code profile} as {@code issuer}, whose key has identifier {@code issuerKeyId}, with {@code issuerKey}. */
    static X509Certificate sign(Profile profile, X500Name issuer, byte[] issuerKeyId, PrivateKey issuerKey) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(profile.notBefore()), Date.from(profile.notAfter()), profile.subject(), profile.publicKey());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(profile.ca()));
            if (profile.keyUsage() != 0) builder.addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage()));
            if (!profile.extendedKeyUsages().isEmpty())
                builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(profile.publicKey())));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
            if (!profile.altNames().isEmpty())
                builder.addExtension(Extension.subjectAlternativeName, false, org.bouncycastle.asn1.x509.GeneralNames.getInstance(profile.altNames().encoded()));
            var signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuerKey)).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    /** The RFC 5280 (method 1) identifier of {@code key}: SHA-1 of its subjectPublicKey bits. */
    static byte[] keyIdentifier(PublicKey key) {
        try {
            return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key).getKeyIdentifier();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute a key identifier: " + e.getMessage(), e);
        }
    }

    /** The subject key identifier {@code certificate} carries, or the one computed from its key without one. */
    static byte[] keyIdentifier(X509Certificate certificate) {
        try {
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions());
            return ski != null ? ski.getKeyIdentifier() : keyIdentifier(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
        }
    }
}
