package dev.beluga.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Writes kubeconfig files: one cluster, one user (client certificate or bearer token), one context, all named
 * {@code default} as k3s does, so {@code KUBECONFIG=... kubectl get nodes} just works. Mode 0600, atomic.
 */
public final class Kubeconfig {
    private Kubeconfig() {
    }

    public static String withClientCertificate(String server, X509Certificate ca, IssuedCertificate user) {
        return render(server, ca, "    client-certificate-data: " + b64(user.certificatePem()) + "\n"
            + "    client-key-data: " + b64(user.keyPem()) + "\n");
    }

    public static String withToken(String server, X509Certificate ca, String token) {
        return render(server, ca, "    token: " + token + "\n");
    }

    public static void write(Path file, String content) throws IOException {
        SecureFiles.write(file, content, true);
    }

    private static String render(String server, X509Certificate ca, String userFields) {
        return "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: default\n"
            + "  cluster:\n"
            + "    certificate-authority-data: " + b64(Pem.encode(ca)) + "\n"
            + "    server: " + server + "\n"
            + "contexts:\n"
            + "- name: default\n"
            + "  context:\n"
            + "    cluster: default\n"
            + "    user: default\n"
            + "current-context: default\n"
            + "preferences: {}\n"
            + "users:\n"
            + "- name: default\n"
            + "  user:\n"
            + userFields;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
