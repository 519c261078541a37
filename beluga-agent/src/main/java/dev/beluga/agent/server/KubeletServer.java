package dev.beluga.agent.server;

import dev.beluga.agent.logs.CriLogReader;
import dev.beluga.agent.stats.Summary;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The kubelet API of a node over HTTPS (HTTP/2 and HTTP/1.1, Jetty 12), which the API server calls for
 * {@code pods/log}, {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}:
 *
 * <ul>
 *   <li>{@code GET /healthz}: {@code ok};</li>
 *   <li>{@code GET /metrics}: the node's metrics (see {@link #withMetrics}); with {@link #withStats}, {@code GET
 *       /metrics/resource} and {@code GET /stats/summary}: CPU and memory of the node, its pods and containers
 *       ({@link MetricsEndpoint}, {@link StatsEndpoint});</li>
 *   <li>{@code GET /containerLogs/{namespace}/{pod}/{container}?follow=&tailLines=&sinceSeconds=&sinceTime=&timestamps=&limitBytes=&previous=&stream=}:
 *       the container's log from the file its {@link ContainerLogLocator} names (see {@link ContainerLogsEndpoint});</li>
 *   <li>with a {@link StreamingRuntime}: {@code GET|POST /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1&tty=1},
 *       {@code /attach/…} and {@code /portForward/{namespace}/{pod}[/{uid}]}: HTTP/1.1 upgrade requests (SPDY/3.1 or
 *       WebSocket) passed through to the runtime's stream server, or, for the WebSocket protocols it does not speak,
 *       translated to SPDY ({@link ExecEndpoint}, {@link AttachEndpoint}, {@link PortForwardEndpoint},
 *       {@link StreamProxy}, {@link WebSocketBridge}). Without one these paths are 404.</li>
 * </ul>
 *
 * <p>TLS: the node's serving certificate ({@link KubeletTls}, e.g. from {@link KubeletServingCertificate}); clients
 * must present a certificate of one of the client CAs (a certificate of another issuer fails the handshake, none at
 * all gets 401); with {@link #withAuthorization} each request is then authorized (403 otherwise). See
 * {@link KubeletHandler}.
 *
 * <p>Lifecycle: {@link #start()} opens the port, {@link #close()} stops the server and ends open log streams (their
 * files are closed) and streaming sessions (both of their connections are closed). Each request runs on a virtual
 * thread; the locator and the streaming runtime are called concurrently.
 */
public final class KubeletServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeletServer.class);
    /** The kubelet's port, as upstream. */
    public static final int DEFAULT_PORT = 10250;

    /**
     * Where and how to serve.
     *
     * @param bindAddress          the address to listen on ({@code 0.0.0.0} for all)
     * @param port                 the port; 0 picks a free one (see {@link #port()})
     * @param tls                  serving certificate and client CAs
     * @param logPollInterval      how often a log follow looks for new lines
     * @param runningCheckInterval how often a log follow asks whether its container still runs
     */
    public record Config(String bindAddress, int port, KubeletTls tls, Duration logPollInterval, Duration runningCheckInterval) {
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(logPollInterval, "logPollInterval");
            Objects.requireNonNull(runningCheckInterval, "runningCheckInterval");
        }

        /** With the default follow intervals ({@link CriLogReader#DEFAULT_POLL_INTERVAL}, ...). */
        public Config(String bindAddress, int port, KubeletTls tls) {
            this(bindAddress, port, tls, CriLogReader.DEFAULT_POLL_INTERVAL, CriLogReader.DEFAULT_RUNNING_CHECK_INTERVAL);
        }
    }

    private final Config config;
    private final ContainerLogLocator logs;
    private final StreamingRuntime streaming;
    private final StreamDialer dialer;
    private Server server;
    private SslContextFactory.Server ssl;
    private char[] keyStorePassword;
    private Supplier<String> metrics = () -> "";
    private Supplier<Summary> stats;
    private String nodeName = "";
    private KubeletAuthorizer authorizer = KubeletAuthorizer.ALLOW_ALL;

    /**
     * Serves logs only (the streaming paths are 404).
     *
     * @param config where and how to serve
     * @param logs   finds container log files; called concurrently from request threads
     */
    public KubeletServer(Config config, ContainerLogLocator logs) {
        this(config, logs, null, StreamDialer.TCP);
    }

    /**
     * Serves logs and exec, attach and port-forward.
     *
     * @param config    where and how to serve
     * @param logs      finds container log files; called concurrently from request threads
     * @param streaming prepares streaming sessions; null for none; called concurrently from request threads
     * @param dialer    reaches the runtime's stream server ({@link StreamDialer#TCP} when the agent shares its
     *                  network namespace)
     */
    public KubeletServer(Config config, ContainerLogLocator logs, StreamingRuntime streaming, StreamDialer dialer) {
        this.config = Objects.requireNonNull(config, "config");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.streaming = streaming;
        this.dialer = Objects.requireNonNull(dialer, "dialer");
    }

    /** Serves {@code /metrics} from {@code metrics} (Prometheus text, called per request). Call before start. */
    public synchronized KubeletServer withMetrics(Supplier<String> metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /**
     * Serves the node's resource usage from {@code stats} (called per request): {@code /stats/summary} and
     * {@code /metrics/resource}; without it both are 404. Call before start.
     */
    public synchronized KubeletServer withStats(Supplier<Summary> stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
        return this;
    }

    /**
     * Authorizes every request of an authenticated client with {@code authorizer}, as requests on the node
     * {@code nodeName} ({@link KubeletRequestAttributes}); without this call every client of the CAs may do anything.
     * Call before start.
     */
    public synchronized KubeletServer withAuthorization(String nodeName, KubeletAuthorizer authorizer) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        return this;
    }

    /** Opens the port. */
    public synchronized void start() throws Exception {
        if (server != null) throw new IllegalStateException("already started");
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("kubelet-api");
        Server s = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        h2.setMaxConcurrentStreams(1000);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        keyStorePassword = password;
        ssl = new SslContextFactory.Server();
        ssl.setKeyStore(config.tls().servingKeyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setTrustStore(config.tls().clientTrustStore());
        ssl.setWantClientAuth(true);
        ssl.setSniRequired(false);
        ssl.setEndpointIdentificationAlgorithm(null);
        ServerConnector connector = new ServerConnector(s, 1, 1, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(Duration.ofHours(1).toMillis());
        s.addConnector(connector);
        List<KubeletEndpoint> endpoints = new ArrayList<>();
        endpoints.add(new ContainerLogsEndpoint(logs, Clock.systemUTC(), config.logPollInterval(), config.runningCheckInterval()));
        endpoints.add(new MetricsEndpoint(metrics, stats));
        if (stats != null) endpoints.add(new StatsEndpoint(stats));
        if (streaming != null) {
            StreamProxy proxy = new StreamProxy(dialer);
            endpoints.add(new ExecEndpoint(streaming, proxy));
            endpoints.add(new AttachEndpoint(streaming, proxy));
            endpoints.add(new PortForwardEndpoint(streaming, proxy));
        }
        s.setHandler(new KubeletHandler(endpoints, nodeName, authorizer));
        s.start();
        server = s;
        log.info("kubelet API listening on https://{}:{}", config.bindAddress(), port());
    }

    /**
     * Serves {@code serving} (a renewed kubelet serving certificate) from now on, without a restart: Jetty's
     * SslContextFactory is reloaded, so new TLS connections present it; open ones keep theirs.
     *
     * @throws Exception when the new key store cannot be loaded (the old certificate stays in use)
     */
    public synchronized void reloadServingCertificate(dev.beluga.pki.IssuedCertificate serving) throws Exception {
        if (server == null) throw new IllegalStateException("not started");
        java.security.KeyStore store = serving.toKeyStore(keyStorePassword);
        ssl.reload(f -> f.setKeyStore(store));
        log.info("kubelet API serves the renewed certificate (serial {}, until {})", serving.certificate().getSerialNumber().toString(16),
            serving.certificate().getNotAfter().toInstant());
    }

    /** The port actually bound (useful with port 0). */
    public synchronized int port() {
        if (server == null) throw new IllegalStateException("not started");
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public synchronized void close() throws Exception {
        if (server != null) server.stop();
        server = null;
    }
}
