package dev.beluga.pki;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Kubeconfig files for kubectl and client libraries: one cluster, one user, one context and current-context, all
 * named {@value #NAME} (as k3s names them, so a Beluga kubeconfig merges like a k3s one). The cluster carries the
 * server URL and {@code certificate-authority-data} (base64 of the CA's PEM); the user carries either
 * {@code client-certificate-data}/{@code client-key-data} (base64 of the leaf certificate's PEM and of the key in
 * traditional PEM form, which kubectl, client-go, fabric8, client-java and the JavaScript client all read) or a
 * bearer {@code token}. Written by hand: string values are double-quoted YAML scalars.
 */
public final class Kubeconfig {
    /** The name of the cluster, user and context. */
    public static final String NAME = "default";
    /** The API server URL of a server on this machine at the default port. */
    public static final String DEFAULT_SERVER = "https://127.0.0.1:6443";

    private Kubeconfig() {
    }

    /**
     * A kubeconfig for {@code server} authenticating with {@code user}'s client certificate.
     *
     * @throws IllegalArgumentException when {@code server} is not an absolute https URL with a host
     */
    public static String withClientCertificate(String server, X509Certificate ca, IssuedCertificate user) {
        return render(server, ca, "    client-certificate-data: " + base64(user.certificatePem()) + "\n"
            + "    client-key-data: " + base64(user.keyPem()) + "\n");
    }

    /**
     * A kubeconfig for {@code server} authenticating with a bearer token.
     *
     * @throws IllegalArgumentException when {@code server} is not an absolute https URL with a host, or the token is
     *                                  empty or holds whitespace or control characters
     */
    public static String withToken(String server, X509Certificate ca, String token) {
        if (token == null || token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c != 0x7f))
            throw new IllegalArgumentException("a token must be non-empty, without whitespace or control characters");
        return render(server, ca, "    token: " + quote(token) + "\n");
    }

    /** Writes {@code content} to {@code file} atomically with mode 0600 (it holds credentials). */
    public static void write(Path file, String content) throws IOException {
        SecureFiles.writeSecret(file, content);
    }

    /** {@link #write} of {@link #withClientCertificate}. */
    public static void writeWithClientCertificate(Path file, String server, X509Certificate ca, IssuedCertificate user) throws IOException {
        write(file, withClientCertificate(server, ca, user));
    }

    /** {@link #write} of {@link #withToken}. */
    public static void writeWithToken(Path file, String server, X509Certificate ca, String token) throws IOException {
        write(file, withToken(server, ca, token));
    }

    private static String render(String server, X509Certificate ca, String userFields) {
        return "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: " + NAME + "\n"
            + "  cluster:\n"
            + "    certificate-authority-data: " + base64(Pem.encodeCertificate(ca)) + "\n"
            + "    server: " + quote(checkServer(server)) + "\n"
            + "contexts:\n"
            + "- name: " + NAME + "\n"
            + "  context:\n"
            + "    cluster: " + NAME + "\n"
            + "    user: " + NAME + "\n"
            + "current-context: " + NAME + "\n"
            + "preferences: {}\n"
            + "users:\n"
            + "- name: " + NAME + "\n"
            + "  user:\n"
            + userFields;
    }

    private static String checkServer(String server) {
        try {
            URI uri = new URI(server);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)
                throw new IllegalArgumentException("the server must be an https URL with a host, not \"" + server + "\"");
            return server;
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("the server must be an https URL with a host, not \"" + server + "\"", e);
        }
    }

    /** A YAML double-quoted scalar; the value must not contain control characters. */
    private static String quote(String value) {
        if (value.chars().anyMatch(c -> c < ' ' || c == 0x7f)) throw new IllegalArgumentException("control character in \"" + value + "\"");
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
