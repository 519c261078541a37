package dev.beluga.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.auth.Authenticator;
import dev.beluga.apiserver.authz.Authorizer;
import dev.beluga.apiserver.authz.AuthorizerChain;
import dev.beluga.apiserver.authz.node.NodeAuthorizer;
import dev.beluga.apiserver.authz.node.NodeGraph;
import dev.beluga.apiserver.authz.node.NodeRestriction;
import dev.beluga.apiserver.authz.rbac.ClusterRoleAggregator;
import dev.beluga.apiserver.authz.rbac.EscalationCheck;
import dev.beluga.apiserver.authz.rbac.PolicyReconciler;
import dev.beluga.apiserver.authz.rbac.RbacAuthorizer;
import dev.beluga.apiserver.authz.rbac.RbacIndex;
import dev.beluga.apiserver.bootstrap.NodeBootstrap;
import dev.beluga.apiserver.bootstrap.NodeBootstrapHandler;
import dev.beluga.apiserver.discovery.Discovery;
import dev.beluga.apiserver.discovery.OpenApi;
import dev.beluga.apiserver.http.ApiHandler;
import dev.beluga.apiserver.kubelet.KubeletClientTls;
import dev.beluga.apiserver.kubelet.PodLogHandler;
import dev.beluga.apiserver.kubelet.PodStreamHandler;
import dev.beluga.apiserver.metrics.MetricsApi;
import dev.beluga.apiserver.metrics.MetricsScraper;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.quota.QuotaAdmission;
import dev.beluga.apiserver.quota.QuotaLedger;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.WriteOptions;
import dev.beluga.apiserver.resources.BuiltinResources;
import dev.beluga.apiserver.services.AllocationRepair;
import dev.beluga.apiserver.services.ServiceAllocations;
import dev.beluga.apiserver.services.ServiceNetwork;
import dev.beluga.apiserver.services.WellKnownServices;
import dev.beluga.apiserver.http.ServiceAccountTokenHandler;
import dev.beluga.apiserver.serviceaccount.ServiceAccountAuthenticator;
import dev.beluga.apiserver.serviceaccount.ServiceAccountTokens;
import dev.beluga.apiserver.serviceaccount.TokenIssuerConfig;
import dev.beluga.apiserver.serviceaccount.TokenRequests;
import dev.beluga.pki.ClusterPki;
import dev.beluga.store.KvStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes API server: HTTPS (HTTP/2 and HTTP/1.1) over the {@link ResourceRegistry}, with client-certificate,
 * bearer-token and service-account token authentication (TokenRequest: {@code serviceaccounts/token}). Serves discovery, OpenAPI v3, health, version and metrics, and the resource metrics
 * API {@code metrics.k8s.io} from its own scrapes of the kubelets ({@link MetricsScraper}).
 *
 * <p>Lifecycle: {@link #start()} loads every watch cache, repairs the Services' allocation records, creates the default
 * namespaces, the {@code kubernetes} and {@code kube-dns} Services and the default StorageClass {@code local-path} if
 * missing, then opens the port and repairs the allocation records every {@link #REPAIR_PERIOD}; {@link #close()}
 * stops it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    public static final String KUBERNETES_VERSION = "v1.32.0";
    public static final Duration REPAIR_PERIOD = Duration.ofMinutes(3);
    /** {@code --authorization-mode}'s default, as kubeadm sets it. */
    public static final List<String> DEFAULT_AUTHORIZATION_MODES = List.of("Node", "RBAC");

    /**
     * TLS material: the serving key store (key + chain), the CA that client certificates must chain to, and how to
     * connect to kubelets ({@code pods/log}); without the latter, kubelets are called without a client certificate,
     * trusting {@code clientCa}.
     */
    public record Tls(KeyStore servingKeyStore, char[] password, KeyStore clientCa, KubeletClientTls kubeletClient) {
        public Tls(KeyStore servingKeyStore, char[] password, KeyStore clientCa) {
            this(servingKeyStore, password, clientCa, null);
        }

        /** Everything from the cluster PKI, with a kubelet client certificate issued now ({@link KubeletClientTls#fromPki}). */
        public static Tls fromPki(ClusterPki pki, char[] password) {
            return new Tls(pki.servingKeyStore(password), password, pki.trustStore(), KubeletClientTls.fromPki(pki));
        }
    }

    /**
     * @param tls               supplies the TLS material when the port opens, so that certificates can be made meanwhile
     * @param services          the service CIDR and node port range Services get their cluster IPs and node ports from
     * @param metricsResolution how often the kubelets' resource metrics are scraped for metrics.k8s.io
     *                          ({@link MetricsScraper#DEFAULT_RESOLUTION})
     */
    public record Config(String bindAddress, int port, java.util.function.Supplier<Tls> tls, String belugaVersion,
                         ServiceNetwork services, Duration metricsResolution) {
        public Config(String bindAddress, int port, java.util.function.Supplier<Tls> tls, String belugaVersion,
                      ServiceNetwork services) {
            this(bindAddress, port, tls, belugaVersion, services, MetricsScraper.DEFAULT_RESOLUTION);
        }

        public Config(String bindAddress, int port, java.util.function.Supplier<Tls> tls, String belugaVersion) {
            this(bindAddress, port, tls, belugaVersion, ServiceNetwork.defaults());
        }

        public Config(String bindAddress, int port, Tls tls, String belugaVersion) {
            this(bindAddress, port, () -> tls, belugaVersion);
        }

        /** The same configuration with another service network. */
        public Config withServices(ServiceNetwork network) {
            return new Config(bindAddress, port, tls, belugaVersion, network, metricsResolution);
        }

        /** The same configuration with another resolution of the resource metrics (positive). */
        public Config withMetricsResolution(Duration resolution) {
            if (resolution.isNegative() || resolution.isZero())
                throw new IllegalArgumentException("the metrics resolution must be positive: " + resolution);
            return new Config(bindAddress, port, tls, belugaVersion, services, resolution);
        }
    }

    private final Config config;
    private final KvStore store;
    private final PrometheusRegistry metrics;
    private final Authenticator authenticator = new Authenticator();
    private final ResourceRegistry registry;
    private final AllocationRepair serviceRepair;
    private ScheduledExecutorService repairTimer;
    private Server server;
    private PodLogHandler podLogs;
    private java.util.function.Supplier<NodeBootstrap> nodeBootstrap;
    private MetricsScraper metricsScraper;
    private List<String> authorizationModes = DEFAULT_AUTHORIZATION_MODES;
    private AuthorizerChain authorizer;
    private final List<AutoCloseable> authorizationParts = new java.util.ArrayList<>();
    private ServiceAccountTokens serviceAccountTokens;
    private volatile boolean ready;

    public ApiServer(Config config, KvStore store, PrometheusRegistry metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.registry = new ResourceRegistry(store, Clock.systemUTC());
        BuiltinResources.register(registry);
        RegistryStore services = registry.get("", "v1", "services");
        ServiceAllocations allocations = new ServiceAllocations(store, config.services(), Clock.systemUTC(), new SecureRandom());
        services.hooks(allocations);
        QuotaLedger quotaLedger = new QuotaLedger(registry, Clock.systemUTC());
        registry.get("", "v1", "resourcequotas").settleCacheOnWrite();
        registry.get("", "v1", "limitranges").settleCacheOnWrite();
        for (RegistryStore s : registry.stores())
            if (s.type().namespaced()) s.hooks(new QuotaAdmission(s.type().group(), s.type().plural(), quotaLedger, s.hooks()));
        this.serviceRepair = new AllocationRepair(allocations, services, Clock.systemUTC());
    }

    /**
     * Lets agents join by token ({@link NodeBootstrapHandler}: {@code /cacerts}, {@code /v1-beluga/node-credentials});
     * the supplier is called once by {@link #start()} (so the CA may still be in the making now). Call before
     * {@link #start()}.
     */
    public ApiServer withNodeBootstrap(java.util.function.Supplier<NodeBootstrap> bootstrap) {
        this.nodeBootstrap = bootstrap;
        return this;
    }

    /**
     * The authorizers, in order ({@code --authorization-mode}: {@code Node}, {@code RBAC}, {@code AlwaysAllow},
     * {@code AlwaysDeny}; see {@link AuthorizerChain#parseModes}); {@link #DEFAULT_AUTHORIZATION_MODES} unless set. Call
     * before {@link #start()}.
     */
    public ApiServer withAuthorizationModes(List<String> modes) {
        this.authorizationModes = List.copyOf(modes);
        return this;
    }

    /** The authorizer chain (after {@link #start()}). */
    public AuthorizerChain authorizer() {
        return authorizer;
    }

    /**
     * Makes and accepts service-account tokens with {@code config} (issuer, audiences, signing key: every API server of
     * a cluster must have the same). Without this call, a key made at start and kept in memory only is used. Call
     * before {@link #start()}.
     */
    public ApiServer withServiceAccountTokens(TokenIssuerConfig config) {
        this.serviceAccountTokens = new ServiceAccountTokens(config, Clock.systemUTC());
        return this;
    }

    /** How service-account tokens are made and checked here (after {@link #start()}). */
    public ServiceAccountTokens serviceAccountTokens() {
        return serviceAccountTokens;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    /** The repair of Services' cluster IP and node port records (runs at start and every {@link #REPAIR_PERIOD}). */
    public AllocationRepair serviceRepair() {
        return serviceRepair;
    }

    public void start() throws Exception {
        long t0 = System.nanoTime();
        registry.start();
        long t1 = System.nanoTime();
        serviceRepair.runOnce(); // before bootstrap: old Services' addresses are recorded before new ones are handed out
        bootstrap();
        authorizer = startAuthorization();
        log.info("watch caches of {} resources loaded in {} ms, bootstrap objects checked in {} ms", registry.types().size(),
            (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("apiserver");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(64 * 1024);
        SecureRequestCustomizer secure = new SecureRequestCustomizer(false);
        http.addCustomizer(secure);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        h2.setMaxConcurrentStreams(1000);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslContextFactory.Server ssl = new Aes128FirstSslContextFactory();
        Tls material = config.tls().get();
        ssl.setKeyStore(material.servingKeyStore());
        ssl.setKeyStorePassword(new String(material.password()));
        if (material.clientCa() != null) {
            ssl.setTrustStore(material.clientCa());
            ssl.setWantClientAuth(true);
        }
        ssl.setSniRequired(false);
        ssl.setEndpointIdentificationAlgorithm(null);
        SslConnectionFactory tls = new MultiRecordSslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, 1, 1, tls, alpn, h2, h1);
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        connector.setIdleTimeout(3_600_000);
        // Java's default listen backlog is 50: a burst of connections (every informer of a restarting cluster, the
        // watch benchmark) overflows it, and the kernel then drops the handshake's last ACK so that clients stall
        // for seconds of SYN-ACK retransmission. Ask for the kernel's maximum instead (capped by somaxconn).
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        ObjectNode version = Json.object().put("major", "1").put("minor", "32")
            .put("gitVersion", KUBERNETES_VERSION + "+beluga-" + config.belugaVersion()).put("gitCommit", "")
            .put("gitTreeState", "clean").put("buildDate", "").put("goVersion", "java" + Runtime.version().feature())
            .put("compiler", "javac").put("platform", "linux/amd64");
        Discovery discovery = new Discovery(registry, List.of(authorizationGroup(), authenticationGroup(), MetricsApi.discovery()));
        OpenApi openApi = new OpenApi(registry);
        ServerWebSocketContainer websockets = ServerWebSocketContainer.ensure(server);
        websockets.setIdleTimeout(java.time.Duration.ofHours(1));
        websockets.setMaxTextMessageSize(16 << 20);
        KubeletClientTls kubeletClient = material.kubeletClient() != null ? material.kubeletClient()
            : KubeletClientTls.withoutIdentity(material.clientCa());
        podLogs = new PodLogHandler(registry, kubeletClient);
        List<ApiHandler.PublicHandler> publicHandlers = nodeBootstrap == null ? List.of()
            : List.of(new NodeBootstrapHandler(nodeBootstrap.get(), registry, Clock.systemUTC()));
        metricsScraper = new MetricsScraper(registry, kubeletClient, config.metricsResolution(), Clock.systemUTC());
        if (serviceAccountTokens == null) serviceAccountTokens = new ServiceAccountTokens(TokenIssuerConfig.ephemeral(), Clock.systemUTC());
        authenticator.addTokenAuthenticator(new ServiceAccountAuthenticator(serviceAccountTokens, registry));
        server.setHandler(new ApiHandler(registry, discovery, openApi, authenticator, metrics, () -> ready,
            List.of(new dev.beluga.apiserver.http.PodSubresources(registry), podLogs, new PodStreamHandler(registry, kubeletClient),
                new ServiceAccountTokenHandler(new TokenRequests(serviceAccountTokens, registry))),
            publicHandlers, version, websockets, metricsScraper.api()).withAuthorization(authorizer));
        server.start();
        metricsScraper.start();
        repairTimer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).name("service-allocation-repair").factory());
        repairTimer.scheduleWithFixedDelay(this::repairServiceAllocations, REPAIR_PERIOD.toMillis(), REPAIR_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        ready = true;
        Thread.ofPlatform().daemon(true).name("openapi-warmup").priority(Thread.MIN_PRIORITY).start(openApi::warmUp);
        log.info("API server listening on https://{}:{}", config.bindAddress(), port());
    }

    /**
     * The bootstrap RBAC policy (reconciled), the RBAC caches and the cluster role aggregation, the node graph, the
     * authorizers of {@link #authorizationModes} and the admission checks that go with them (escalation prevention,
     * NodeRestriction).
     */
    private AuthorizerChain startAuthorization() {
        String rbac = "rbac.authorization.k8s.io";
        RegistryStore clusterRoles = registry.get(rbac, "v1", "clusterroles");
        PolicyReconciler.reconcile(clusterRoles, registry.get(rbac, "v1", "clusterrolebindings"));
        authorizationParts.add(new ClusterRoleAggregator(clusterRoles).start());
        RbacIndex index = new RbacIndex().start(registry);
        authorizationParts.add(index);
        List<Authorizer> chain = new java.util.ArrayList<>();
        for (String mode : authorizationModes) {
            switch (mode) {
                case "Node" -> {
                    NodeGraph graph = new NodeGraph().start(registry);
                    authorizationParts.add(graph);
                    chain.add(new NodeAuthorizer(graph));
                    registry.get("", "v1", "pods").admission(new NodeRestriction("pods"));
                    registry.get("", "v1", "nodes").admission(new NodeRestriction("nodes"));
                    registry.get("coordination.k8s.io", "v1", "leases").admission(new NodeRestriction("leases"));
                }
                case "RBAC" -> chain.add(new RbacAuthorizer(index));
                case "AlwaysAllow" -> chain.add(AuthorizerChain.ALWAYS_ALLOW);
                case "AlwaysDeny" -> chain.add(AuthorizerChain.ALWAYS_DENY);
                default -> throw new IllegalArgumentException("unknown authorization mode " + mode);
            }
        }
        AuthorizerChain result = new AuthorizerChain(chain);
        if (authorizationModes.contains("RBAC")) {
            for (String plural : List.of("roles", "clusterroles", "rolebindings", "clusterrolebindings"))
                registry.get(rbac, "v1", plural).admission(new EscalationCheck(plural, result, index));
        }
        return result;
    }

    /**
     * authorization.k8s.io/v1 for discovery: the four access reviews (create only, not stored; answered by
     * {@link dev.beluga.apiserver.http.AccessReviews}).
     */
    private static Discovery.ExtraGroup authorizationGroup() {
        return reviewGroup("authorization.k8s.io", List.of(
            new Review("localsubjectaccessreviews", "LocalSubjectAccessReview", true),
            new Review("selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
            new Review("selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
            new Review("subjectaccessreviews", "SubjectAccessReview", false)));
    }

    private record Review(String plural, String kind, boolean namespaced) {
    }

    /**
     * authentication.k8s.io/v1 for discovery: selfsubjectreviews ({@code kubectl auth whoami}) and tokenreviews (create
     * only, not stored).
     */
    private static Discovery.ExtraGroup authenticationGroup() {
        return reviewGroup("authentication.k8s.io", List.of(new Review("selfsubjectreviews", "SelfSubjectReview", false),
            new Review("tokenreviews", "TokenReview", false)));
    }

    /** A v1 group of create-only review resources, for discovery (legacy and aggregated). */
    private static Discovery.ExtraGroup reviewGroup(String group, List<Review> reviews) {
        List<ObjectNode> legacyList = new java.util.ArrayList<>();
        List<ObjectNode> aggregatedList = new java.util.ArrayList<>();
        for (Review r : reviews) {
            String singular = r.plural().substring(0, r.plural().length() - 1);
            ObjectNode legacy = Json.object().put("name", r.plural()).put("singularName", singular).put("namespaced", r.namespaced())
                .put("kind", r.kind());
            legacy.putArray("verbs").add("create");
            ObjectNode aggregated = Json.object().put("resource", r.plural());
            aggregated.putObject("responseKind").put("group", group).put("version", "v1").put("kind", r.kind());
            aggregated.put("scope", r.namespaced() ? "Namespaced" : "Cluster").put("singularResource", singular);
            aggregated.putArray("verbs").add("create");
            legacyList.add(legacy);
            aggregatedList.add(aggregated);
        }
        return new Discovery.ExtraGroup(group, "v1", List.copyOf(legacyList), List.copyOf(aggregatedList));
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private void repairServiceAllocations() {
        try {
            serviceRepair.runOnce();
        } catch (RuntimeException e) {
            log.warn("service allocation repair failed: {}", e.toString());
        }
    }

    /**
     * Creates what every cluster has: the default namespaces, the {@code kubernetes} and {@code kube-dns} Services,
     * the default StorageClass.
     */
    private void bootstrap() {
        RegistryStore namespaces = registry.get("", "v1", "namespaces");
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            try {
                namespaces.get(null, ns, null);
            } catch (StatusException e) {
                if (e.code() != 404) throw e;
                ObjectNode obj = Json.object();
                obj.putObject("metadata").put("name", ns);
                namespaces.create(null, obj, WriteOptions.serverBuilt("beluga-apiserver"));
            }
        }
        for (String ns : List.of("default", "kube-system")) namespaces.cache().waitFor(store.currentRevision(), 5000);
        WellKnownServices.ensure(registry.get("", "v1", "services"), config.services().cidr());
        reconcileKubernetesEndpoints();
        ensureDefaultStorageClass();
    }

    /**
     * Creates the default StorageClass {@code local-path} (served by the built-in {@code rancher.io/local-path}
     * provisioner, as k3s ships it) when no object of that name exists. Only absence is checked: an edited class is
     * left as it is, a deleted one comes back on the next start (as k3s re-applies its manifest).
     */
    private void ensureDefaultStorageClass() {
        RegistryStore classes = registry.get("storage.k8s.io", "v1", "storageclasses");
        try {
            classes.get(null, "local-path", null);
        } catch (StatusException e) {
            if (e.code() != 404) throw e;
            ObjectNode sc = Json.object().put("apiVersion", "storage.k8s.io/v1").put("kind", "StorageClass");
            sc.putObject("metadata").put("name", "local-path").putObject("annotations")
                .put("storageclass.kubernetes.io/is-default-class", "true");
            sc.put("provisioner", "rancher.io/local-path").put("reclaimPolicy", "Delete").put("volumeBindingMode", "WaitForFirstConsumer");
            try {
                classes.create(null, sc, WriteOptions.serverBuilt("beluga-apiserver"));
            } catch (StatusException raced) {
                if (raced.code() != 409) throw raced; // another API server of the cluster made it meanwhile
            }
        }
    }

    /**
     * Points the {@code kubernetes} Service's Endpoints at this API server (the host's first non-loopback IPv4
     * address, or 127.0.0.1), as kube-apiserver's endpoint reconciler does.
     */
    private void reconcileKubernetesEndpoints() {
        String ip = hostAddress();
        int port = config.port() == 0 ? 6443 : config.port();
        ObjectNode ep = Json.object();
        ep.putObject("metadata").put("name", "kubernetes").put("namespace", "default").putObject("labels")
            .put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", ip);
        subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        RegistryStore endpoints = registry.get("", "v1", "endpoints");
        WriteOptions w = WriteOptions.serverBuilt("beluga-apiserver");
        try {
            ObjectNode current = endpoints.get("default", "kubernetes", null);
            if (current.path("subsets").equals(ep.path("subsets"))) return;
            ep.with("metadata").put("resourceVersion", current.path("metadata").path("resourceVersion").asText());
            endpoints.update("default", "kubernetes", ep, w);
        } catch (StatusException e) {
            if (e.code() != 404) throw e;
            endpoints.create("default", ep, w);
        }
    }

    private String hostAddress() {
        if (!config.bindAddress().equals("0.0.0.0") && !config.bindAddress().equals("::")) return config.bindAddress();
        try {
            for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) continue;
                for (InetAddress a : java.util.Collections.list(nif.getInetAddresses()))
                    if (a instanceof java.net.Inet4Address) return a.getHostAddress();
            }
        } catch (java.net.SocketException ignored) {
            // fall back to loopback
        }
        return "127.0.0.1";
    }

    public boolean isReady() {
        return ready;
    }

    @Override
    public void close() throws Exception {
        ready = false;
        if (repairTimer != null) repairTimer.shutdownNow();
        if (server != null) server.stop();
        if (podLogs != null) podLogs.close();
        if (metricsScraper != null) metricsScraper.close();
        for (AutoCloseable c : authorizationParts) c.close();
        for (RegistryStore s : registry.stores()) s.cache().close();
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
