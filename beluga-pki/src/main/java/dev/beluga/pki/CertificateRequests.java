package dev.beluga.pki;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.security.KeyPair;
import java.util.List;

/** PKCS#10 certificate requests, for agents asking the server's CA for a client certificate. */
public final class CertificateRequests {
    private CertificateRequests() {
    }

    /**
     * A PEM "CERTIFICATE REQUEST" for {@code keys}' public key with subject {@code O=organizations..., CN=commonName},
     * signed with its private key. (The CA decides the certificate's subject itself; see
     * {@link CertificateAuthority#signClientCsr}.)
     *
     * @throws IllegalArgumentException for a blank name or organization, or an unsupported key
     */
    public static String create(KeyPair keys, String commonName, List<String> organizations) {
        return create(keys, commonName, organizations, SubjectAltNames.NONE);
    }

    /**
     * As {@link #create(KeyPair, String, List)}, asking also for the subjectAltNames {@code names} (an extension
     * request), as a kubelet's serving certificate request does.
     */
    public static String create(KeyPair keys, String commonName, List<String> organizations, SubjectAltNames names) {
        try {
            var builder = new JcaPKCS10CertificationRequestBuilder(SubjectNames.build(commonName, organizations), keys.getPublic());
            if (!names.isEmpty()) {
                var extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
                extensions.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false, names.toGeneralNames());
                builder.addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            var signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate())).build(keys.getPrivate());
            return Pem.encodeCertificateRequest(builder.build(signer));
        } catch (OperatorCreationException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot sign the request: " + e.getMessage(), e);
        }
    }
}
