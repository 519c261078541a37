package dev.beluga.agent.probes;

import dev.beluga.pki.TlsTrust;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The HTTP client of the agent's httpGet probes and lifecycle hooks, made on first use. As upstream's kubelet, it
 * does not verify a pod's TLS certificate ({@code scheme: HTTPS} probes a pod's own, usually self-signed, endpoint),
 * so it never loads the JDK's default trust store ({@code cacerts}, ~140 CA certificates kept on the heap for the
 * process's life) — an agent whose pods have no HTTP probe makes no client at all.
 *
 * <p>Thread-safe: {@link #get} may be called from any thread and always returns the same client.
 */
public final class PodHttpClient {
    private final boolean followRedirects;
    private final Duration connectTimeout;
    private volatile HttpClient client;

    /**
     * @param followRedirects whether redirects are followed (probes: yes, as upstream's prober)
     * @param connectTimeout  how long a connection may take to open
     */
    public PodHttpClient(boolean followRedirects, Duration connectTimeout) {
        this.followRedirects = followRedirects;
        this.connectTimeout = connectTimeout;
    }

    /** The client, made on the first call. */
    public HttpClient get() {
        HttpClient c = client;
        if (c != null) return c;
        synchronized (this) {
            if (client == null) {
                client = HttpClient.newBuilder().sslContext(TlsTrust.acceptingAnyServer(null)).connectTimeout(connectTimeout)
                    .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER).build();
            }
            return client;
        }
    }
}
