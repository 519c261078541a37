package dev.beluga.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The certificates of a Beluga server, kept in {@code <data-dir>/tls/} (like k3s does in its data directory):
 * {@code ca.crt/ca.key} (created once, never replaced), {@code serving.crt/key} (re-issued when a requested name or
 * address is missing or it expires within 30 days) and {@code admin.crt/key} (CN=admin, O=system:masters).
 * Private keys are written with mode 0600, every file atomically.
 */
public final class ClusterPki {
    private static final Logger log = LoggerFactory.getLogger(ClusterPki.class);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final CertificateAuthority ca;
    private final IssuedCertificate serving;
    private final IssuedCertificate admin;
    private final Path dir;

    private ClusterPki(Path dir, CertificateAuthority ca, IssuedCertificate serving, IssuedCertificate admin) {
        this.dir = dir;
        this.ca = ca;
        this.serving = serving;
        this.admin = admin;
    }

    public static ClusterPki loadOrCreate(Path dir, List<String> extraDnsNames, List<InetAddress> extraIps) throws IOException {
        Files.createDirectories(dir);
        CertificateAuthority ca;
        Path caCrt = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        if (Files.exists(caCrt) && Files.exists(caKey)) {
            ca = new CertificateAuthority(Pem.certificates(Files.readString(caCrt)).getFirst(), Pem.privateKey(Files.readString(caKey)));
        } else {
            ca = CertificateAuthority.create("beluga-ca@" + Instant.now().getEpochSecond(), CA_VALIDITY);
            SecureFiles.write(caKey, Pem.encode(ca.key()), true);
            SecureFiles.write(caCrt, Pem.encode(ca.certificate()), false);
            log.info("created cluster CA in {}", dir);
        }
        Set<String> dns = new LinkedHashSet<>(List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local"));
        try {
            dns.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException ignored) {
            // no host name to add
        }
        dns.addAll(extraDnsNames);
        Set<InetAddress> ips = new LinkedHashSet<>(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
        ips.addAll(extraIps);
        IssuedCertificate serving = load(dir, "serving", ca);
        if (serving == null || serving.expiresBefore(Instant.now().plus(RENEW_BEFORE)) || !covers(serving.certificate(), dns, ips)) {
            serving = ca.issueServing("beluga-apiserver", List.copyOf(dns), List.copyOf(ips), LEAF_VALIDITY);
            save(dir, "serving", serving);
            log.info("issued API server certificate for {} {}", dns, ips);
        }
        IssuedCertificate admin = load(dir, "admin", ca);
        if (admin == null || admin.expiresBefore(Instant.now().plus(RENEW_BEFORE))) {
            admin = ca.issueClient("admin", List.of("system:masters"), LEAF_VALIDITY);
            save(dir, "admin", admin);
        }
        return new ClusterPki(dir, ca, serving, admin);
    }

    private static IssuedCertificate load(Path dir, String name, CertificateAuthority ca) throws IOException {
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        if (!Files.exists(crt) || !Files.exists(key)) return null;
        X509Certificate cert = Pem.certificates(Files.readString(crt)).getFirst();
        try {
            cert.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return null; // issued by another CA: issue anew
        }
        return new IssuedCertificate(cert, Pem.privateKey(Files.readString(key)), List.of(cert, ca.certificate()));
    }

    private static void save(Path dir, String name, IssuedCertificate c) throws IOException {
        SecureFiles.write(dir.resolve(name + ".key"), c.keyPem(), true);
        SecureFiles.write(dir.resolve(name + ".crt"), c.certificatePem(), false);
    }

    private static boolean covers(X509Certificate cert, Set<String> dns, Set<InetAddress> ips) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            Set<String> have = new LinkedHashSet<>();
            if (sans != null) for (List<?> s : sans) have.add(String.valueOf(s.get(1)));
            for (String d : dns) if (!have.contains(d)) return false;
            for (InetAddress ip : ips) {
                boolean found = false;
                for (String h : have) {
                    try {
                        if (InetAddress.getByName(h).equals(ip) && !h.matches(".*[a-zA-Z].*[a-zA-Z].*")) found = true;
                    } catch (UnknownHostException ignored) {
                        // a DNS name
                    }
                }
                if (!found) return false;
            }
            return true;
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    public IssuedCertificate serving() {
        return serving;
    }

    public IssuedCertificate admin() {
        return admin;
    }

    public Path directory() {
        return dir;
    }

    /** PKCS#12 key store with the serving key and its chain, for the HTTPS server. */
    public KeyStore servingKeyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("serving", serving.key(), password, serving.chain().toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key store trusting the cluster CA only. */
    public KeyStore trustStore() {
        return trustStore(List.of(ca.certificate()));
    }

    public static KeyStore trustStore(List<X509Certificate> cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            List<X509Certificate> list = new ArrayList<>(cas);
            for (int i = 0; i < list.size(); i++) ks.setCertificateEntry("ca-" + i, list.get(i));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
