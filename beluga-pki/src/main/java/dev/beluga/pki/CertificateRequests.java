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
        try {
            var builder = new JcaPKCS10CertificationRequestBuilder(SubjectNames.build(commonName, organizations), keys.getPublic());
            var signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(keys.getPrivate())).build(keys.getPrivate());
            return Pem.encodeCertificateRequest(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("cannot sign the request: " + e.getMessage(), e);
        }
    }
}
