package dev.beluga.agent.certificates;

import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.TlsTrust;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The agent's TLS client identity towards the API server, switchable while the agent runs: an {@link SSLContext}
 * whose key manager presents whatever client certificate is current (read at every handshake), trusting only the
 * cluster CA. {@link #rotate} swaps the certificate and forgets the cached TLS sessions, so the next connection makes
 * a full handshake with the new certificate instead of resuming one made with the old.
 *
 * <p>{@link #httpClientFactory()} plugs it into fabric8: the JDK HTTP client of every {@code KubernetesClient} built
 * with it uses this context (fabric8 would otherwise fix the key from the kubeconfig at build time). Connections
 * already open keep the identity they were opened with (HTTP/2 multiplexes the agent's requests and watches over
 * them); Beluga's API server authenticates a connection at its handshake.
 *
 * <p>Thread-safe: the certificate is a volatile reference read by handshakes on any thread.
 */
public final class RotatingClientTls {
    static final String ALIAS = "node";
    private volatile IssuedCertificate current;
    private final KeyManager[] keyManagers = {new CurrentKeyManager()};
    private final TrustManager[] trustManagers;
    private final SSLContext context;

    /** Presents {@code initial}; trusts only {@code cas}. */
    public RotatingClientTls(IssuedCertificate initial, List<X509Certificate> cas) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.trustManagers = TlsTrust.onlyThese(cas);
        try {
            this.context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The certificate presented by new connections. */
    public IssuedCertificate current() {
        return current;
    }

    /** New connections present {@code renewed}; cached sessions (made with the old certificate) are invalidated. */
    public void rotate(IssuedCertificate renewed) {
        current = Objects.requireNonNull(renewed, "renewed");
        SSLSessionContext sessions = context.getClientSessionContext();
        for (byte[] id : Collections.list(sessions.getIds())) {
            SSLSession s = sessions.getSession(id);
            if (s != null) s.invalidate();
        }
    }

    /** The SSL context (for clients other than fabric8's). */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * A fabric8 HTTP client factory whose clients use {@link #sslContext()}. fabric8's own TLS set-up (the kubeconfig's
     * CA merged into the JDK's default trust store, ~140 public CAs) is replaced on its builder too, which keeps it for
     * the client's life: after a start-up collection the agent's heap holds the cluster CA alone.
     */
    public JdkHttpClientFactory httpClientFactory() {
        return new JdkHttpClientFactory() {
            @Override
            public io.fabric8.kubernetes.client.http.HttpClient.Builder newBuilder(io.fabric8.kubernetes.client.Config config) {
                return super.newBuilder(config).sslContext(keyManagers, trustManagers);
            }

            @Override
            protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
                builder.sslContext(context);
            }
        };
    }

    /** Presents the current certificate; never a server's key manager. */
    private final class CurrentKeyManager extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            for (String t : keyTypes) if (fits(t)) return ALIAS;
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? current.chain().toArray(X509Certificate[]::new) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? current.key() : null;
        }

        private boolean fits(String keyType) {
            String alg = current.key().getAlgorithm();
            return keyType.equalsIgnoreCase(alg) || (alg.equals("EC") && keyType.startsWith("EC"));
        }
    }
}
