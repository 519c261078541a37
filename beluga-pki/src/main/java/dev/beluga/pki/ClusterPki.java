package dev.beluga.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The certificates of a Beluga server, kept in one directory (normally {@code <data-dir>/tls/}), created at first
 * start the way k3s does:
 *
 * <pre>
 * ca.crt       the cluster CA certificate (0644)         created once, never replaced
 * ca.key       its private key (0600)
 * serving.crt  API server certificate + CA (0644)        CN=beluga-apiserver, serverAuth
 * serving.key  its private key (0600)
 * admin.crt    admin client certificate + CA (0644)      CN=admin, O=system:masters, clientAuth
 * admin.key    its private key (0600)
 * service.key  the service-account token signing key (0600) created once, never replaced ({@link ServiceAccountKey})
 * .lock        held while the files are checked/written
 * </pre>
 *
 * Every file is written atomically (temporary file + rename); private keys are PEM in the traditional OpenSSL form
 * ({@link Pem#encodeTraditionalPrivateKey}). A directory created here gets mode 0700. Leaf certificates are valid for
 * {@link #LEAF_VALIDITY} (at most until the CA expires). Immutable and thread-safe once loaded.
 */
public final class ClusterPki {
    private static final Logger log = LoggerFactory.getLogger(ClusterPki.class);

    /** The serving certificate's common name. */
    public static final String SERVING_COMMON_NAME = "beluga-apiserver";
    /** The admin client certificate's user name (CN). */
    public static final String ADMIN_USER = "admin";
    /** The admin client certificate's group (O): Kubernetes' superuser group. */
    public static final String ADMIN_GROUP = "system:masters";
    /** How long leaf certificates issued here are valid. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    /** Leaf certificates expiring within this time are re-issued at start. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    static final String SERVING = "serving";
    static final String ADMIN = "admin";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Path directory;
    private final CertificateAuthority ca;
    private final IssuedCertificate serving;
    private final IssuedCertificate admin;
    private final byte[] caBundle;
    private final ServiceAccountKey serviceAccountKey;

    private ClusterPki(Path directory, CertificateAuthority ca, IssuedCertificate serving, IssuedCertificate admin, byte[] caBundle,
                       ServiceAccountKey serviceAccountKey) {
        this.directory = directory;
        this.ca = ca;
        this.serving = serving;
        this.admin = admin;
        this.caBundle = caBundle;
        this.serviceAccountKey = serviceAccountKey;
    }

    /**
     * Loads the PKI in {@code dir}, creating what is missing.
     *
     * <ul>
     *   <li>CA: loaded if {@code ca.crt} exists; created (EC P-256, 10 years, CN {@code beluga-ca@<epoch>}) if neither
     *       file exists, or if only {@code ca.key} does (left by an interrupted first start: no certificate was ever
     *       handed out). An existing CA is never replaced: a {@code ca.crt} without its key, or files that do not
     *       hold a CA and its key, fail the start.</li>
     *   <li>Serving certificate: its subjectAltNames are the defaults (localhost, the host name, the kubernetes
     *       service names, 127.0.0.1, ::1) plus {@code extraDnsNames} and {@code extraIps}. Kept if it has all of
     *       them; re-issued (for exactly those names) if one is missing, it expires within {@link #RENEW_BEFORE}, it
     *       was not issued by this CA, its key does not match, or the files are missing or unreadable.</li>
     *   <li>Admin certificate: re-issued on the same conditions (names aside) or if its subject is not
     *       CN=admin, O=system:masters.</li>
     * </ul>
     *
     * Processes and threads calling this on one directory at once are serialized ({@code .lock}).
     *
     * @throws IOException              when files cannot be read or written, or the CA cannot be loaded
     * @throws IllegalArgumentException when an extra DNS name is not a valid host name
     */
    public static ClusterPki loadOrCreate(Path dir, List<String> extraDnsNames, List<InetAddress> extraIps) throws IOException {
        SubjectAltNames names = ServingNames.defaults().plus(SubjectAltNames.of(extraDnsNames, extraIps));
        SecureFiles.createPrivateDirectories(dir);
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            CertificateAuthority ca = loadOrCreateCa(dir);
            Instant now = Instant.now();
            Instant renewBefore = now.plus(RENEW_BEFORE);
            if (ca.certificate().getNotAfter().toInstant().isBefore(renewBefore))
                log.warn("the cluster CA in {} expires at {}; it is not renewed automatically", dir, ca.certificate().getNotAfter().toInstant());
            IssuedCertificate serving = keepOrIssue(dir, SERVING, ca,
                leaf -> LeafCheck.problem(leaf, ca, now, renewBefore, SERVER_AUTH).or(() -> LeafCheck.lacksNames(leaf.certificate(), names)),
                () -> ca.issueServing(SERVING_COMMON_NAME, List.copyOf(names.dnsNames()), List.copyOf(names.ipAddresses()), LEAF_VALIDITY));
            IssuedCertificate admin = keepOrIssue(dir, ADMIN, ca,
                leaf -> LeafCheck.problem(leaf, ca, now, renewBefore, CLIENT_AUTH)
                    .or(() -> LeafCheck.wrongSubject(leaf.certificate(), ADMIN_USER, List.of(ADMIN_GROUP))),
                () -> ca.issueClient(ADMIN_USER, List.of(ADMIN_GROUP), LEAF_VALIDITY));
            ServiceAccountKey saKey = ServiceAccountKey.loadOrCreate(dir);
            return new ClusterPki(dir, ca, serving, admin, Files.readAllBytes(dir.resolve(CertificateAuthority.CERT_FILE)), saKey);
        } finally {
            lock.close();
        }
    }

    private static CertificateAuthority loadOrCreateCa(Path dir) throws IOException {
        Path cert = dir.resolve(CertificateAuthority.CERT_FILE);
        Path key = dir.resolve(CertificateAuthority.KEY_FILE);
        if (Files.exists(cert)) {
            if (!Files.exists(key))
                throw new IOException(cert + " exists without " + key + "; the cluster CA is never replaced, restore its key");
            try {
                return CertificateAuthority.load(dir);
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot load the cluster CA from " + dir + ": " + e.getMessage(), e);
            }
        }
        if (Files.exists(key)) log.warn("{} exists without {} (an interrupted first start); creating a new CA", key, cert);
        CertificateAuthority ca = CertificateAuthority.create();
        ca.save(dir);
        log.info("created the cluster CA {} in {}", ca.certificate().getSubjectX500Principal().getName(), dir);
        return ca;
    }

    private static IssuedCertificate keepOrIssue(Path dir, String name, CertificateAuthority ca,
                                                 Function<IssuedCertificate, Optional<String>> check,
                                                 Supplier<IssuedCertificate> issue) throws IOException {
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Optional<String> problem;
        IssuedCertificate existing = null;
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            problem = Optional.of("none yet");
        } else {
            try {
                existing = IssuedCertificate.read(certFile, keyFile);
                problem = check.apply(existing);
            } catch (IllegalArgumentException e) {
                problem = Optional.of("unreadable: " + e.getMessage());
            }
        }
        if (problem.isEmpty()) return new IssuedCertificate(existing.certificate(), existing.key(), List.of(existing.certificate(), ca.certificate()));
        IssuedCertificate fresh = issue.get();
        fresh.write(certFile, keyFile);
        log.info("issued the {} certificate {} in {} (previous: {})", name, fresh.certificate().getSubjectX500Principal().getName(), dir, problem.get());
        return fresh;
    }

    /** The directory the files are in. */
    public Path directory() {
        return directory;
    }

    /** The cluster CA (certificate and key). */
    public CertificateAuthority ca() {
        return ca;
    }

    /** The cluster CA certificate: what clients trust. */
    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /**
     * The content of {@code ca.crt} as read at load, byte for byte: the CA bundle the server hands to joining agents
     * ({@code /cacerts}), whose SHA-256 the join token carries ({@link NodeToken}).
     */
    public byte[] caBundlePem() {
        return caBundle.clone();
    }

    /** The API server's certificate, key and chain {@code [serving, ca]}. */
    public IssuedCertificate serving() {
        return serving;
    }

    /** The admin client certificate (CN=admin, O=system:masters), key and chain {@code [admin, ca]}. */
    public IssuedCertificate admin() {
        return admin;
    }

    /** The key that signs service-account tokens ({@code service.key}). */
    public ServiceAccountKey serviceAccountKey() {
        return serviceAccountKey;
    }

    /** The names of the serving certificate. */
    public SubjectAltNames servingNames() {
        return SubjectAltNames.of(serving.certificate());
    }

    /** A new PKCS#12 key store with the serving key and chain (alias "serving"), for the HTTPS server. */
    public KeyStore servingKeyStore(char[] password) {
        return KeyStores.keyStore(SERVING, serving.key(), serving.chain(), password);
    }

    /** A new key store trusting only the cluster CA: for verifying clients (server side) or the server (client side). */
    public KeyStore trustStore() {
        return KeyStores.trustStore(List.of(ca.certificate()));
    }

    @Override
    public String toString() {
        return "ClusterPki[" + directory + ", " + ca + "]";
    }
}
