package dev.beluga.apiserver.kubelet;

import dev.beluga.apiserver.StatusException;
import dev.beluga.pki.TlsTrust;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * HTTPS GETs to kubelets, with the API server's kubelet client certificate ({@link KubeletClientTls}). The kubelet's
 * serving certificate is verified against the kubelet CAs, host name or IP address included, unless the caller asks
 * to skip verification ({@code insecureSkipTLSVerifyBackend}); the client certificate is presented either way.
 *
 * <p>HTTP/2 when the kubelet offers it (one connection per kubelet for all streams; closing a response body resets
 * just its stream), else HTTP/1.1. Redirects are not followed (upstream's {@code PreventRedirects}). Thread-safe;
 * {@link #close()} aborts open streams. The TLS contexts and HTTP clients are made at the first request that needs
 * them (not in the constructor, which runs in the API server's start), so a bad TLS set-up fails that request.
 */
public final class KubeletClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final KubeletClientTls tls;
    private volatile HttpClient verifying;
    private volatile HttpClient insecure;
    private boolean closed;

    public KubeletClient(KubeletClientTls tls) {
        this.tls = tls;
    }

    /**
     * Sends {@code GET uri} and returns the response once its headers have arrived, its body to be read (and closed)
     * by the caller.
     *
     * @param podName for error messages
     * @throws StatusException the kubelet's error answer ({@link KubeletResponses}), or 500 (no reason, as upstream's
     *                         plain errors) when it cannot be reached: {@code Get "<uri>": <cause>}
     */
    public HttpResponse<InputStream> get(URI uri, boolean skipVerification, String podName) {
        return get(uri, skipVerification, podName, null);
    }

    /**
     * As {@link #get(URI, boolean, String)}, failing with the 500 of an unreachable kubelet when the response's headers
     * have not arrived within {@code timeout} (null: no limit).
     */
    public HttpResponse<InputStream> get(URI uri, boolean skipVerification, String podName, Duration timeout) {
        HttpResponse<InputStream> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
            if (timeout != null) request.timeout(timeout);
            response = http(skipVerification).send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatusException(500, "", "Get \"" + uri + "\": interrupted");
        } catch (IOException e) {
            throw new StatusException(500, "", "Get \"" + uri + "\": " + describe(uri, e));
        }
        int code = response.statusCode();
        if (code >= 200 && code <= 206) return response;
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(KubeletResponses.MAX_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StatusException(500, "InternalError", "Internal error occurred: " + e.getMessage());
        }
        throw KubeletResponses.error(code, body, podName);
    }

    /** Go's wording for the common failures, else Java's message. */
    static String describe(URI uri, IOException e) {
        String hostPort = uri.getHost() + ":" + uri.getPort();
        if (e instanceof HttpConnectTimeoutException) return "dial tcp " + hostPort + ": i/o timeout";
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException)
            return "dial tcp " + hostPort + ": connect: connection refused";
        if (e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException)
            return "tls: failed to verify certificate: " + e.getMessage();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private HttpClient http(boolean skipVerification) {
        HttpClient c = skipVerification ? insecure : verifying;
        if (c != null) return c;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the kubelet client is closed");
            if (skipVerification) {
                if (insecure == null) insecure = client(sslContext(tls, true));
                return insecure;
            }
            if (verifying == null) verifying = client(sslContext(tls, false));
            return verifying;
        }
    }

    private static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The TLS context for kubelet connections: the client certificate, and the kubelet CAs or (trustAll) anything. */
    static SSLContext sslContext(KubeletClientTls tls, boolean trustAll) {
        try {
            KeyManager[] keys = null;
            if (tls.identity() != null) {
                char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(8)).toCharArray();
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(tls.identity().toKeyStore(password), password);
                keys = kmf.getKeyManagers();
            }
            if (trustAll) return TlsTrust.acceptingAnyServer(keys);
            if (!tls.kubeletCa().isEmpty()) return TlsTrust.trusting(keys, tls.kubeletCa());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for kubelet connections: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (HttpClient c : new HttpClient[] {verifying, insecure}) if (c != null) c.shutdownNow();
    }
}
