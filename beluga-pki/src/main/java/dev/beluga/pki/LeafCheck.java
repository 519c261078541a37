package dev.beluga.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Why a leaf certificate found on disk must be replaced; each check answers with a reason, or empty when it passes. */
final class LeafCheck {
    private LeafCheck() {
    }

    /**
     * Problems any kept leaf must not have: not issued by {@code ca}, a key that is not its key, a notBefore in the
     * future (beyond the backdating allowance), a notAfter before {@code renewBefore}, or a missing extended key usage.
     */
    static Optional<String> problem(IssuedCertificate leaf, CertificateAuthority ca, Instant now, Instant renewBefore, String extendedKeyUsage) {
        X509Certificate cert = leaf.certificate();
        if (!ca.hasIssued(cert)) return Optional.of("not issued by the cluster CA");
        if (!leaf.keyMatches()) return Optional.of("the key does not match the certificate");
        if (cert.getNotBefore().toInstant().isAfter(now.plus(CertificateAuthority.BACKDATE)))
            return Optional.of("not valid before " + cert.getNotBefore().toInstant());
        if (leaf.expiresBefore(renewBefore)) return Optional.of("expires at " + cert.getNotAfter().toInstant());
        try {
            List<String> usages = cert.getExtendedKeyUsage();
            if (usages == null || !usages.contains(extendedKeyUsage)) return Optional.of("lacks extended key usage " + extendedKeyUsage);
        } catch (CertificateParsingException e) {
            return Optional.of("malformed extended key usage");
        }
        return Optional.empty();
    }

    /** A reason when {@code cert} lacks some of the names in {@code wanted}. */
    static Optional<String> lacksNames(X509Certificate cert, SubjectAltNames wanted) {
        SubjectAltNames missing = wanted.minus(SubjectAltNames.of(cert));
        return missing.isEmpty() ? Optional.empty() : Optional.of("lacks names " + missing);
    }

    /** A reason when the subject of {@code cert} is not (CN, O values) = ({@code commonName}, {@code organizations}). */
    static Optional<String> wrongSubject(X509Certificate cert, String commonName, List<String> organizations) {
        var subject = cert.getSubjectX500Principal();
        if (Objects.equals(DistinguishedNames.commonName(subject), commonName) && DistinguishedNames.organizations(subject).equals(organizations))
            return Optional.empty();
        return Optional.of("subject is " + cert.getSubjectX500Principal());
    }
}
