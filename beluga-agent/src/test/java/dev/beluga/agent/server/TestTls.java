package dev.beluga.agent.server;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** A test CA, the node's serving certificate for 127.0.0.1, and SSL contexts for clients. */
final class TestTls {
    final CertificateAuthority ca = CertificateAuthority.create("test-cluster-ca", Duration.ofDays(1));
    final IssuedCertificate serving = KubeletServingCertificate.issue(ca, "node-1", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));

    KubeletTls kubeletTls() {
        return new KubeletTls(serving, List.of(ca.certificate()));
    }

    /** What the API server presents to kubelets: a kubelet client certificate of the cluster CA, trusting that CA. */
    static SSLContext kubeletClient(dev.beluga.pki.ClusterPki pki) throws Exception {
        char[] pw = "pw".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(pki.ca().issueClient("kube-apiserver-kubelet-client", List.of("system:masters"), Duration.ofHours(1)).toKeyStore(pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(List.of(pki.caCertificate())));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Trusts the CA and presents a client certificate of {@code issuer} (none when null). */
    SSLContext client(CertificateAuthority issuer) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(List.of(ca.certificate())));
        KeyManagerFactory kmf = null;
        if (issuer != null) {
            char[] pw = "pw".toCharArray();
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(issuer.issueClient("kube-apiserver-kubelet-client", List.of("system:masters"), Duration.ofHours(1)).toKeyStore(pw), pw);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : new KeyManager[]{new Insistent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])},
            tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Presents its certificate whatever issuers the server asks for (JSSE's own key manager would quietly send none
     * when the server names other CAs, which would not test the server's verification).
     */
    private static final class Insistent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager inner;

        Insistent(X509ExtendedKeyManager inner) {
            this.inner = inner;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return inner.getClientAliases(keyType, null);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return inner.chooseClientAlias(keyType, null, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return inner.chooseEngineClientAlias(keyType, null, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return inner.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return inner.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return inner.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return inner.getPrivateKey(alias);
        }
    }
}
