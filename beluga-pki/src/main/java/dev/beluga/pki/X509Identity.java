package dev.beluga.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The Kubernetes identity a client certificate stands for, read as Kubernetes' x509 authenticator does: the user name
 * is the subject's CN (the last one if several), the groups are the subject's O values in order. Nothing is verified
 * here (chain and validity are the TLS layer's job), and {@code system:authenticated} is not added.
 *
 * @param user   the user name
 * @param groups the groups, possibly empty
 */
public record X509Identity(String user, List<String> groups) {

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException when the user name is blank
     */
    public X509Identity {
        if (user == null || user.isBlank()) throw new IllegalArgumentException("the user name must not be blank");
        groups = List.copyOf(groups);
    }

    /**
     * The identity of {@code certificate}'s subject.
     *
     * @throws IllegalArgumentException when the subject has no (or an empty) CN, which Kubernetes does not
     *                                  authenticate
     */
    public static X509Identity fromCertificate(X509Certificate certificate) {
        var subject = certificate.getSubjectX500Principal();
        String user = DistinguishedNames.commonName(subject);
        if (user == null || user.isEmpty())
            throw new IllegalArgumentException("the certificate subject has no common name: " + certificate.getSubjectX500Principal());
        return new X509Identity(user, DistinguishedNames.organizations(subject));
    }
}
