package dev.beluga.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.List;
import java.util.Map;

import static dev.beluga.pki.DerWriter.bitString;
import static dev.beluga.pki.DerWriter.element;
import static dev.beluga.pki.DerWriter.integer;
import static dev.beluga.pki.DerWriter.nullValue;
import static dev.beluga.pki.DerWriter.octetString;
import static dev.beluga.pki.DerWriter.oid;
import static dev.beluga.pki.DerWriter.sequence;
import static dev.beluga.pki.DerWriter.set;

/**
 * PKCS#10 certificate requests (RFC 2986), for agents asking the server's CA for a client certificate: written as DER
 * and signed with the JDK alone, so that an agent joining or rotating its certificates does not load a crypto library.
 * Stateless; thread-safe.
 */
public final class CertificateRequests {
    private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
    /** Signature algorithm OIDs by JCA name; RSA's carry NULL parameters, ECDSA's none (RFC 5758). */
    private static final Map<String, String> SIGNATURE_OIDS = Map.of("SHA256withECDSA", "1.2.840.10045.4.3.2",
        "SHA384withECDSA", "1.2.840.10045.4.3.3", "SHA512withECDSA", "1.2.840.10045.4.3.4", "SHA256withRSA", "1.2.840.113549.1.1.11");

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
     * request, not critical), as a kubelet's serving certificate request does.
     */
    public static String create(KeyPair keys, String commonName, List<String> organizations, SubjectAltNames names) {
        byte[] attributes = names.isEmpty() ? new byte[0]
            : sequence(oid(EXTENSION_REQUEST), set(sequence(sequence(oid(SubjectAltNames.EXTENSION_OID), octetString(names.encoded())))));
        byte[] info = sequence(integer(BigInteger.ZERO), DistinguishedNames.encode(commonName, organizations), keys.getPublic().getEncoded(),
            element(0xA0, attributes));
        String algorithm = Keys.signatureAlgorithm(keys.getPrivate());
        byte[] algorithmId = algorithm.endsWith("RSA") ? sequence(oid(SIGNATURE_OIDS.get(algorithm)), nullValue())
            : sequence(oid(SIGNATURE_OIDS.get(algorithm)));
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(keys.getPrivate());
            signer.update(info);
            return Pem.block("CERTIFICATE REQUEST", sequence(info, algorithmId, bitString(signer.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign the request: " + e.getMessage(), e);
        }
    }
}
