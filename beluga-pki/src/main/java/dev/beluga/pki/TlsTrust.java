package dev.beluga.pki;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * TLS client contexts with an explicit trust decision, so that nothing falls back to the JDK's default trust store
 * ({@code cacerts}: ~140 public CAs parsed and kept on the heap for the life of the process once
 * {@code SSLContext.getDefault()} is touched). Beluga's clients trust a cluster CA, or — where upstream does the same
 * (a kubelet's probes, {@code insecureSkipTLSVerifyBackend}, the join's CA download that the token's hash checks) —
 * nothing at all. Stateless; safe from any thread.
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /**
     * A client context presenting {@code keys} (null: no client certificate) and trusting only {@code cas}; the
     * connection checks the server's host name ({@code java.net.http} does by default).
     */
    public static SSLContext trusting(KeyManager[] keys, Collection<X509Certificate> cas) {
        return context(keys, onlyThese(cas));
    }

    /** PKIX trust managers trusting only {@code cas} (for clients that take trust managers rather than a context). */
    public static TrustManager[] onlyThese(Collection<X509Certificate> cas) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(KeyStores.trustStore(cas));
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** A client context presenting {@code keys} (null: none) that accepts any server certificate and any host name. */
    public static SSLContext acceptingAnyServer(KeyManager[] keys) {
        return context(keys, new TrustManager[] {new AcceptingAnyServer()});
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Accepts any server; being an extended trust manager, it also keeps JSSE from checking the host name. */
    private static final class AcceptingAnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // deliberately unverified: see the callers of acceptingAnyServer
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // deliberately unverified
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately unverified
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client-side context does not authenticate clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client-side context does not authenticate clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client-side context does not authenticate clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
