package dev.beluga.agent.join;

import dev.beluga.agent.server.KubeletTls;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.Kubeconfig;
import dev.beluga.pki.NodeToken;
import dev.beluga.pki.Pem;
import dev.beluga.pki.SecureFiles;
import dev.beluga.pki.SubjectAltNames;
import dev.beluga.pki.X509Identity;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A joined node's credentials, kept in the agent's data directory:
 *
 * <pre>
 * tls/ca.crt        the cluster CA bundle, as fetched and checked against the token's hash (0644)
 * tls/client.pem    the current client key and certificate in one file (0600), replaced atomically on rotation
 * tls/client.crt    CN=system:node:&lt;name&gt;, O=system:nodes, clientAuth: the agent's API identity (+ CA, 0644)
 * tls/client.key    its key, made on this node (0600)
 * tls/serving.pem   the current kubelet serving key and certificate (0600), replaced atomically on rotation
 * tls/serving.crt   the kubelet API's serving certificate: node name, addresses, 127.0.0.1 (+ CA, 0644)
 * tls/serving.key   its key (0600)
 * kubeconfig.yaml   the server URL, the CA and the client certificate (0600), what the agent's API client uses
 * </pre>
 *
 * The {@code .pem} files are the truth (as a kubelet's {@code kubelet-client-current.pem}); the {@code .crt}/{@code .key}
 * pairs are copies written after them, for people and tools. Immutable.
 *
 * @param caBundlePem the CA bundle, byte for byte as the server served it
 * @param cas         the certificates of the bundle
 * @param client      the client certificate, key and chain
 * @param serving     the kubelet serving certificate, key and chain
 */
public record NodeCredentials(byte[] caBundlePem, List<X509Certificate> cas, IssuedCertificate client, IssuedCertificate serving) {
    /**
     * Credentials expiring within this time are unusable at start: the agent joins again with the token (its bootstrap
     * credentials). Certificates still valid are kept; the certificate managers renew them while the agent runs.
     */
    public static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
    static final String CA_FILE = "tls/ca.crt";
    static final String CLIENT_PEM = "tls/client.pem";
    static final String SERVING_PEM = "tls/serving.pem";
    static final String CLIENT_CERT = "tls/client.crt";
    static final String CLIENT_KEY = "tls/client.key";
    static final String SERVING_CERT = "tls/serving.crt";
    static final String SERVING_KEY = "tls/serving.key";
    /** The kubeconfig's file name in the data directory. */
    public static final String KUBECONFIG = "kubeconfig.yaml";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    public NodeCredentials {
        caBundlePem = caBundlePem.clone();
        cas = List.copyOf(cas);
    }

    @Override
    public byte[] caBundlePem() {
        return caBundlePem.clone();
    }

    /** The user name of node {@code nodeName}, as upstream's node authorizer expects it. */
    public static String nodeUser(String nodeName) {
        return "system:node:" + nodeName;
    }

    /**
     * The credentials stored in {@code dir}, or empty when a file is missing or unreadable (then the node joins anew).
     */
    public static Optional<NodeCredentials> load(Path dir) {
        try {
            if (!Files.exists(dir.resolve(CA_FILE))) return Optional.empty();
            byte[] bundle = Files.readAllBytes(dir.resolve(CA_FILE));
            return Optional.of(new NodeCredentials(bundle, Pem.certificates(bundle), read(dir, CLIENT_PEM, CLIENT_CERT, CLIENT_KEY),
                read(dir, SERVING_PEM, SERVING_CERT, SERVING_KEY)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** One identity: the combined file when there is one (written by this version), else the older pair. */
    private static IssuedCertificate read(Path dir, String pem, String cert, String key) throws IOException {
        if (Files.exists(dir.resolve(pem))) return IssuedCertificate.readCombined(dir.resolve(pem));
        return IssuedCertificate.read(dir.resolve(cert), dir.resolve(key));
    }

    /**
     * Writes the files into {@code dir} (each identity's combined file first, each file atomically) and the
     * kubeconfig for {@code server}.
     */
    public void write(Path dir, String server) throws IOException {
        SecureFiles.createPrivateDirectories(dir.resolve("tls"));
        SecureFiles.writePublic(dir.resolve(CA_FILE), new String(caBundlePem, java.nio.charset.StandardCharsets.US_ASCII));
        writeServing(dir);
        writeClient(dir, server);
    }

    /** These credentials with {@code renewed} as the client certificate. */
    public NodeCredentials withClient(IssuedCertificate renewed) {
        return new NodeCredentials(caBundlePem, cas, renewed, serving);
    }

    /** These credentials with {@code renewed} as the kubelet serving certificate. */
    public NodeCredentials withServing(IssuedCertificate renewed) {
        return new NodeCredentials(caBundlePem, cas, client, renewed);
    }

    /** Writes the client identity ({@code tls/client.pem}, then the copies) and the kubeconfig for {@code server}. */
    public void writeClient(Path dir, String server) throws IOException {
        client.writeCombined(dir.resolve(CLIENT_PEM));
        client.write(dir.resolve(CLIENT_CERT), dir.resolve(CLIENT_KEY));
        writeKubeconfig(dir, server);
    }

    /** Writes the kubelet serving identity ({@code tls/serving.pem}, then the copies). */
    public void writeServing(Path dir) throws IOException {
        serving.writeCombined(dir.resolve(SERVING_PEM));
        serving.write(dir.resolve(SERVING_CERT), dir.resolve(SERVING_KEY));
    }

    /** Writes {@code dir/kubeconfig.yaml} (0600) for {@code server} with this client certificate; returns its path. */
    public Path writeKubeconfig(Path dir, String server) throws IOException {
        Path file = dir.resolve(KUBECONFIG);
        Kubeconfig.write(file, Kubeconfig.withClientCertificate(server, cas.getFirst(), client));
        return file;
    }

    /**
     * Why these credentials cannot serve node {@code nodeName} with {@code addresses} (and, when a token is given, the
     * cluster it names) at {@code now}, or empty when they can: a CA bundle with another hash than the token's, a
     * certificate not issued by the bundle's CA, a key that is not its certificate's, a wrong subject or usage, a
     * serving certificate lacking the node name or an address, or expiry within {@link #EXPIRY_MARGIN}.
     */
    public Optional<String> problem(String nodeName, List<InetAddress> addresses, NodeToken token, Instant now) {
        if (token != null && !token.matchesCa(caBundlePem)) return Optional.of("they are for another cluster CA than the token's");
        Optional<String> p = leafProblem("client", client, CLIENT_AUTH, nodeName, now);
        if (p.isPresent()) return p;
        p = leafProblem("serving", serving, SERVER_AUTH, nodeName, now);
        if (p.isPresent()) return p;
        SubjectAltNames names = SubjectAltNames.of(serving.certificate());
        SubjectAltNames wanted = SubjectAltNames.of(List.of(nodeName), addresses);
        if (!names.containsAll(wanted)) return Optional.of("the serving certificate lacks " + wanted.minus(names));
        return Optional.empty();
    }

    private Optional<String> leafProblem(String what, IssuedCertificate leaf, String usage, String nodeName, Instant now) {
        X509Certificate cert = leaf.certificate();
        if (!issuedByBundle(cert)) return Optional.of("the " + what + " certificate is not issued by the cluster CA");
        if (!leaf.keyMatches()) return Optional.of("the " + what + " key does not match its certificate");
        X509Identity id;
        try {
            id = X509Identity.fromCertificate(cert);
        } catch (IllegalArgumentException e) {
            return Optional.of("the " + what + " certificate has no subject name");
        }
        if (!id.user().equals(nodeUser(nodeName))) return Optional.of("the " + what + " certificate is for " + id.user());
        try {
            List<String> usages = cert.getExtendedKeyUsage();
            if (usages == null || !usages.contains(usage)) return Optional.of("the " + what + " certificate lacks its usage");
        } catch (CertificateParsingException e) {
            return Optional.of("the " + what + " certificate is malformed");
        }
        if (cert.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_MARGIN)))
            return Optional.of("the " + what + " certificate expired at " + cert.getNotAfter().toInstant());
        return Optional.empty();
    }

    private boolean issuedByBundle(X509Certificate cert) {
        for (X509Certificate ca : cas) {
            if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) continue;
            try {
                cert.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // try the next one
            }
        }
        return false;
    }

    /** The kubelet API's TLS material: the serving certificate, and the cluster CA for the API server's client certificate. */
    public KubeletTls kubeletTls() {
        return new KubeletTls(serving, cas);
    }

    @Override
    public String toString() {
        return "NodeCredentials[" + client.certificate().getSubjectX500Principal() + ", until " + client.certificate().getNotAfter().toInstant() + "]";
    }
}
