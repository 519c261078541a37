package dev.beluga.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority: its self-signed certificate and private key, issuing leaf certificates.
 *
 * <p>Certificates it issues: serving certificates (extendedKeyUsage serverAuth, DNS and IP subjectAltNames) and client
 * certificates (clientAuth; subject {@code O=group..., CN=user}, which Kubernetes reads as user name and groups). Every
 * leaf has basicConstraints cA=false, keyUsage digitalSignature (plus keyEncipherment for RSA keys), key identifiers,
 * a notBefore five minutes in the past (clock skew between machines; half the validity for certificates shorter than
 * ten minutes) and a notAfter never later than the CA's own.
 * Leaf keys are of the CA's key kind ({@link KeyAlgorithm}).
 *
 * <p>On disk (see {@link #load}/{@link #save}): {@value #CERT_FILE} (PEM certificate) and {@value #KEY_FILE} (PEM
 * private key, mode 0600). Immutable and thread-safe.
 */
public final class CertificateAuthority {
    /** The certificate's file name in a directory. */
    public static final String CERT_FILE = "ca.crt";
    /** The private key's file name in a directory. */
    public static final String KEY_FILE = "ca.key";
    /** How long a CA made by {@link #create()} is valid: ten years, as in k3s. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);

    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final X500Name name;
    private final byte[] keyId;
    private final KeyAlgorithm leafKeys;

    /**
     * A CA from its certificate and key.
     *
     * @throws IllegalArgumentException when the certificate is not a CA certificate (basicConstraints cA, keyCertSign
     *                                  if keyUsage is present) or the key is not its key
     */
    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.key = Objects.requireNonNull(key, "key");
        if (certificate.getBasicConstraints() < 0) throw new IllegalArgumentException("not a CA certificate: " + certificate.getSubjectX500Principal());
        boolean[] usage = certificate.getKeyUsage();
        if (usage != null && !usage[5]) throw new IllegalArgumentException("the CA certificate may not sign certificates (no keyCertSign)");
        if (!Keys.matches(key, certificate.getPublicKey())) throw new IllegalArgumentException("the private key does not belong to the CA certificate");
        this.name = SubjectNames.subject(certificate);
        this.keyId = CertificateSigner.keyIdentifier(certificate);
        this.leafKeys = KeyAlgorithm.like(key);
    }

    /** A new CA: {@link KeyAlgorithm#EC_P256}, {@link #DEFAULT_VALIDITY}, CN {@code beluga-ca@<epoch seconds>}. */
    public static CertificateAuthority create() {
        return create("beluga-ca@" + Instant.now().getEpochSecond(), DEFAULT_VALIDITY, KeyAlgorithm.EC_P256);
    }

    /** A new EC P-256 CA named {@code CN=commonName}, valid for {@code validity} from now. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        return create(commonName, validity, KeyAlgorithm.EC_P256);
    }

    /**
     * A new self-signed CA named {@code CN=commonName}, valid for {@code validity} from now, with a new key of
     * {@code algorithm}: basicConstraints cA=true (no path length limit), keyUsage keyCertSign and cRLSign.
     *
     * @throws IllegalArgumentException when the name is blank or the validity not positive
     */
    public static CertificateAuthority create(String commonName, Duration validity, KeyAlgorithm algorithm) {
        requirePositive(validity);
        KeyPair keys = algorithm.generate();
        X500Name subject = SubjectNames.build(commonName, List.of());
        Instant now = Instant.now();
        var profile = new CertificateSigner.Profile(subject, keys.getPublic(), now.minus(BACKDATE), now.plus(validity), true,
            KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of(), SubjectAltNames.NONE);
        X509Certificate cert = CertificateSigner.sign(profile, subject, CertificateSigner.keyIdentifier(keys.getPublic()), keys.getPrivate());
        return new CertificateAuthority(cert, keys.getPrivate());
    }

    /**
     * The CA stored in {@code dir} ({@value #CERT_FILE}, {@value #KEY_FILE}).
     *
     * @throws IOException              when a file cannot be read
     * @throws IllegalArgumentException when the files do not hold a CA certificate and its key
     */
    public static CertificateAuthority load(Path dir) throws IOException {
        X509Certificate cert = Pem.certificate(Files.readString(dir.resolve(CERT_FILE), StandardCharsets.UTF_8));
        PrivateKey key = Pem.privateKey(Files.readString(dir.resolve(KEY_FILE), StandardCharsets.UTF_8));
        return new CertificateAuthority(cert, key);
    }

    /**
     * Writes {@value #KEY_FILE} (mode 0600) then {@value #CERT_FILE} (0644) into {@code dir}, each atomically, creating
     * the directory (mode 0700) if needed. The key comes first so that a certificate on disk always has its key.
     */
    public void save(Path dir) throws IOException {
        SecureFiles.createPrivateDirectories(dir);
        SecureFiles.writeSecret(dir.resolve(KEY_FILE), Pem.encodeTraditionalPrivateKey(key));
        SecureFiles.writePublic(dir.resolve(CERT_FILE), Pem.encodeCertificate(certificate));
    }

    /** The CA's self-signed certificate: the trust anchor of the cluster. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's private key. */
    public PrivateKey key() {
        return key;
    }

    /**
     * A serving certificate for a new key: subject {@code CN=commonName}, serverAuth, subjectAltNames
     * {@code dnsNames} and {@code ips} (see {@link SubjectAltNames} for the accepted DNS names).
     *
     * @throws IllegalArgumentException for a blank name, an invalid DNS name or a non-positive validity
     * @throws IllegalStateException    when the CA has expired
     */
    public IssuedCertificate issueServing(String commonName, List<String> dnsNames, List<InetAddress> ips, Duration validity) {
        KeyPair keys = leafKeys.generate();
        X509Certificate cert = issue(SubjectNames.build(commonName, List.of()), keys.getPublic(), validity,
            KeyPurposeId.id_kp_serverAuth, SubjectAltNames.of(dnsNames, ips));
        return new IssuedCertificate(cert, keys.getPrivate(), List.of(cert, certificate));
    }

    /**
     * A client certificate for a new key: subject {@code O=organizations..., CN=commonName}, clientAuth. Kubernetes
     * takes CN as the user name and the O values as groups (e.g. CN=admin, O=system:masters).
     *
     * @throws IllegalArgumentException for a blank name or organization, or a non-positive validity
     * @throws IllegalStateException    when the CA has expired
     */
    public IssuedCertificate issueClient(String commonName, List<String> organizations, Duration validity) {
        KeyPair keys = leafKeys.generate();
        X509Certificate cert = issue(SubjectNames.build(commonName, organizations), keys.getPublic(), validity,
            KeyPurposeId.id_kp_clientAuth, SubjectAltNames.NONE);
        return new IssuedCertificate(cert, keys.getPrivate(), List.of(cert, certificate));
    }

    /**
     * A client certificate (as {@link #issueClient}) for the key of a PKCS#10 request in PEM. The request's signature
     * must verify (proof of possession); its subject and any extensions it asks for are ignored: the CA decides the
     * name. The chain of the result is {@code [certificate, certificate()]}.
     *
     * @throws IllegalArgumentException when the request is malformed, its signature does not verify, its key is too
     *                                  weak (EC under 256 bits, RSA under 2048) or the arguments are invalid
     * @throws IllegalStateException    when the CA has expired
     */
    public X509Certificate signClientCsr(byte[] csrPem, String commonName, List<String> organizations, Duration validity) {
        PublicKey publicKey = requestedKey(csrPem);
        return issue(SubjectNames.build(commonName, organizations), publicKey, validity, KeyPurposeId.id_kp_clientAuth, SubjectAltNames.NONE);
    }

    /**
     * A serving certificate (as {@link #issueServing}, with the O values {@code organizations} in the subject) for the
     * key of a PKCS#10 request in PEM, whose signature must verify; the request's subject and extensions are ignored,
     * the CA decides the names. For a node's kubelet: {@code CN=system:node:<name>, O=system:nodes}.
     *
     * @throws IllegalArgumentException when the request is malformed, its signature does not verify, its key is too
     *                                  weak, a DNS name is invalid or the arguments are otherwise invalid
     * @throws IllegalStateException    when the CA has expired
     */
    public X509Certificate signServingCsr(byte[] csrPem, String commonName, List<String> organizations, List<String> dnsNames,
                                          List<InetAddress> ips, Duration validity) {
        SubjectAltNames names = SubjectAltNames.of(dnsNames, ips);
        PublicKey publicKey = requestedKey(csrPem);
        return issue(SubjectNames.build(commonName, organizations), publicKey, validity, KeyPurposeId.id_kp_serverAuth, names);
    }

    /** The public key of a PKCS#10 request whose signature verifies (proof of possession) and whose key is strong enough. */
    private static PublicKey requestedKey(byte[] csrPem) {
        PKCS10CertificationRequest request = Pem.certificateRequest(csrPem);
        PublicKey publicKey;
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo())))
                throw new IllegalArgumentException("the certificate request's signature does not verify");
            publicKey = new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
        } catch (OperatorCreationException | PKCSException | IOException e) {
            throw new IllegalArgumentException("unusable certificate request: " + e.getMessage(), e);
        }
        Keys.requireAcceptable(publicKey);
        return publicKey;
    }

    /**
     * A certificate for a parsed certificate request, as the Kubernetes signers issue them (upstream's permissive
     * signing policy): the request's subject (its O values and CN) and its DNS and IP subjectAltNames are forwarded,
     * the key usages are {@code usages}, the validity is exactly {@code notBefore}..{@code notAfter} but never beyond
     * the CA's own end.
     *
     * @throws IllegalArgumentException when the request's key is too weak or notAfter is not after notBefore
     * @throws IllegalStateException    when the CA has expired
     */
    public X509Certificate signRequest(CertificateRequest request, KeyUsages usages, Instant notBefore, Instant notAfter) {
        Keys.requireAcceptable(request.publicKey());
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (!Instant.now().isBefore(caEnd)) throw new IllegalStateException("the CA expired at " + caEnd);
        Instant end = notAfter.isAfter(caEnd) ? caEnd : notAfter;
        if (!end.isAfter(notBefore)) throw new IllegalArgumentException("the certificate would end before it starts");
        X500Name subject = SubjectNames.build(request.commonName(), request.organizations());
        var profile = new CertificateSigner.Profile(subject, request.publicKey(), notBefore, end, false, usages.keyUsageBits(),
            usages.extendedKeyUsages(), SubjectAltNames.of(request.dnsNames(), request.ipAddresses()));
        return CertificateSigner.sign(profile, name, keyId, key);
    }

    /** {@link #signClientCsr(byte[], String, List, Duration)} of PEM text. */
    public X509Certificate signClientCsr(String csrPem, String commonName, List<String> organizations, Duration validity) {
        return signClientCsr(csrPem.getBytes(StandardCharsets.UTF_8), commonName, organizations, validity);
    }

    /** True when {@code cert} names this CA as issuer and its signature verifies with this CA's key. */
    public boolean hasIssued(X509Certificate cert) {
        if (!cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) return false;
        try {
            cert.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private X509Certificate issue(X500Name subject, PublicKey publicKey, Duration validity, KeyPurposeId purpose, SubjectAltNames names) {
        requirePositive(validity);
        Instant now = Instant.now();
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (!now.isBefore(caEnd)) throw new IllegalStateException("the CA expired at " + caEnd);
        Instant end = now.plus(validity).isAfter(caEnd) ? caEnd : now.plus(validity);
        int usage = KeyUsage.digitalSignature | ("RSA".equals(publicKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
        // certificates shorter than 10 minutes (tests of rotation) are backdated by half their validity, not 5 minutes
        Duration backdate = validity.compareTo(BACKDATE.multipliedBy(2)) < 0 ? validity.dividedBy(2) : BACKDATE;
        var profile = new CertificateSigner.Profile(subject, publicKey, now.minus(backdate), end, false, usage, List.of(purpose), names);
        return CertificateSigner.sign(profile, name, keyId, key);
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero())
            throw new IllegalArgumentException("the validity must be positive, not " + validity);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal() + ", until " + certificate.getNotAfter().toInstant() + "]";
    }
}
