package dev.beluga.agent.server;

import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The TLS material of the kubelet API: the node's serving certificate (with its key and chain), and the CAs that
 * client certificates must chain to (the cluster CA, which signs the API server's kubelet client certificate).
 * Immutable.
 *
 * @param serving   the serving certificate; its subjectAltNames must cover the address the API server connects to
 *                  (the Node's InternalIP, or its Hostname), which the API server verifies
 * @param clientCas trusted issuers of client certificates
 */
public record KubeletTls(IssuedCertificate serving, List<X509Certificate> clientCas) {
    public KubeletTls {
        Objects.requireNonNull(serving, "serving");
        clientCas = List.copyOf(clientCas);
        if (clientCas.isEmpty()) throw new IllegalArgumentException("at least one client CA is required");
    }

    /** The serving key and chain as a key store protected by {@code password}. */
    KeyStore servingKeyStore(char[] password) {
        return serving.toKeyStore(password);
    }

    /** The client CAs as a trust store. */
    KeyStore clientTrustStore() {
        return KeyStores.trustStore(clientCas);
    }
}
