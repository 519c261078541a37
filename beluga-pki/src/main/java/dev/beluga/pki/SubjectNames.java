package dev.beluga.pki;

import org.bouncycastle.asn1.x500.X500Name;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Distinguished names as Bouncy Castle's {@link X500Name}, for the CA and for certificate requests it reads: the rules
 * (O = groups, CN = user; written O first, read as Go does) are {@link DistinguishedNames}'s.
 */
final class SubjectNames {
    private SubjectNames() {
    }

    /**
     * {@code O=org1, O=org2, ..., CN=commonName}, values as UTF8String.
     *
     * @throws IllegalArgumentException when the common name or an organization is blank
     */
    static X500Name build(String commonName, List<String> organizations) {
        return X500Name.getInstance(DistinguishedNames.encode(commonName, organizations));
    }

    /** The subject of {@code certificate}, as encoded. */
    static X500Name subject(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    /** The last CN value of {@code name}, or null without one. */
    static String commonName(X500Name name) {
        return DistinguishedNames.commonName(principal(name));
    }

    /** Every O value of {@code name}, in order. */
    static List<String> organizations(X500Name name) {
        return DistinguishedNames.organizations(principal(name));
    }

    private static X500Principal principal(X500Name name) {
        try {
            return new X500Principal(name.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed name: " + e.getMessage(), e);
        }
    }
}
