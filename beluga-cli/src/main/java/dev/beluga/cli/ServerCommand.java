package dev.beluga.cli;

import dev.beluga.apiserver.ApiServer;
import dev.beluga.apiserver.bootstrap.NodeBootstrap;
import dev.beluga.apiserver.serviceaccount.TokenIssuerConfig;
import dev.beluga.apiserver.services.ServiceNetwork;
import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.Kubeconfig;
import dev.beluga.pki.NodeToken;
import dev.beluga.store.Compactor;
import dev.beluga.store.KvStore;
import dev.beluga.store.StoreException;
import dev.beluga.store.Stores;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga server}: the control plane — the store (embedded by default, or etcd), its compaction, and the
 * Kubernetes API server over HTTPS, with a CA and an admin kubeconfig created at first start.
 */
final class ServerCommand implements CliCommand {
    static final String DESCRIPTION = "Run the Beluga control plane.";

    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    // the options (see declare); the initial values are the defaults
    Path dataDir;
    String datastoreEndpoint = "embedded";
    Duration retention = Duration.ofMinutes(5);
    int httpsPort = 6443;
    String bindAddress = "0.0.0.0";
    List<String> tlsSans = new ArrayList<>();
    String serviceCidr = ServiceNetwork.DEFAULT_CIDR;
    String serviceNodePortRange = ServiceNetwork.DEFAULT_NODE_PORTS;
    String serviceAccountIssuer = TokenIssuerConfig.DEFAULT_ISSUER;
    List<String> apiAudiences = new ArrayList<>();
    boolean disableScheduler;
    Path schedulerConfig;
    boolean disableControllerManager;
    List<String> disabledControllers = new ArrayList<>();
    Duration clusterSigningDuration = Duration.ofDays(365);
    boolean disableAgent;
    String nodeName;
    String nodeIp;

    /** Set by {@code beluga up}: stopping the server also stops and removes the embedded node's pods. */
    boolean removePodsOnStop;

    int kubeletPort = 10250;
    String token;
    String authorizationMode = "Node,RBAC";

    /** Where the node join token is kept, under the data directory (as k3s's server/node-token). */
    static final String NODE_TOKEN_FILE = "server/node-token";

    /**
     * A started control plane; {@link #close()} stops it (idempotent): the in-process components first (in reverse
     * order of start), then the API server, the compactor and the store.
     */
    record Running(ApiServer api, KvStore store, Compactor compactor, Path dataDir, Path kubeconfig, NodeToken nodeToken,
                   List<AutoCloseable> components) implements AutoCloseable {
        /** The file holding the node join token. */
        Path nodeTokenFile() {
            return dataDir.resolve(NODE_TOKEN_FILE);
        }

        @Override
        public void close() {
            for (AutoCloseable c : components.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("stopping {}: {}", c, e.toString());
                }
            }
            try {
                api.close();
            } catch (Exception e) {
                log.warn("stopping the API server: {}", e.toString());
            }
            compactor.close();
            store.close();
        }
    }

    /** Thrown by {@link #start()} with a message for the user; the exit code is 2. */
    static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }

    @Override
    public void declare(Arguments a) {
        a.option("--data-dir", "DIR", "Data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).",
            Path::of, v -> dataDir = v);
        a.option("--datastore-endpoint", "ENDPOINT",
            "Where state is kept: 'embedded' (default, in DIR/db) or etcd://host:port[,host:port...].",
            v -> datastoreEndpoint = v);
        a.option("--compaction-retention", "DURATION",
            "Store history kept for watches and paged lists, ISO-8601 (default: PT5M).",
            Duration::parse, v -> retention = v);
        a.option("--https-port", "PORT", "API server port (default: 6443).", Integer::parseInt, v -> httpsPort = v);
        a.option("--bind-address", "ADDR", "API server address (default: 0.0.0.0).", v -> bindAddress = v);
        a.option("--tls-san", "NAME", "Extra host name or IP for the serving certificate (repeatable).", tlsSans::add);
        a.option("--service-cidr", "CIDR",
            "IPv4 range of Services' cluster IPs (default: " + ServiceNetwork.DEFAULT_CIDR + "); its first address is the kubernetes"
                + " Service's, its 10th the cluster DNS Service's.",
            v -> serviceCidr = v);
        a.option("--service-node-port-range", "FIRST-LAST",
            "Port range of NodePort and LoadBalancer Services' node ports (default: " + ServiceNetwork.DEFAULT_NODE_PORTS + ").",
            v -> serviceNodePortRange = v);
        a.option("--service-account-issuer", "URL",
            "The issuer (iss) of service-account tokens, also their default audience (default: "
                + TokenIssuerConfig.DEFAULT_ISSUER + ").",
            v -> serviceAccountIssuer = v);
        a.option("--api-audiences", "AUDIENCE",
            "Audiences the API server accepts in service-account tokens, comma-separated (repeatable; default: the issuer).",
            v -> apiAudiences.addAll(List.of(v.split(","))));
        a.flag("--disable-scheduler", "Do not run the scheduler in this server.", () -> disableScheduler = true);
        a.option("--scheduler-config", "FILE",
            "KubeSchedulerConfiguration (YAML or JSON): profiles, plugins, weights, percentageOfNodesToScore.",
            Path::of, v -> schedulerConfig = v);
        a.flag("--disable-controller-manager", "Do not run the controllers in this server.",
            () -> disableControllerManager = true);
        a.option("--disable-controller", "NAME", "Do not run this controller (repeatable), e.g. replicaset-controller.",
            disabledControllers::add);
        a.option("--cluster-signing-duration", "DURATION",
            "How long the certificates the cluster CA signs for CertificateSigningRequests and joining nodes are valid at"
                + " most, ISO-8601 (default: PT8760H, one year, as upstream).",
            Duration::parse, v -> clusterSigningDuration = v);
        a.flag("--disable-agent", "Do not run a node agent (kubelet) in this server.", () -> disableAgent = true);
        a.option("--node-name", "NAME", "The server's Node name (default: the host name).", v -> nodeName = v);
        a.option("--node-ip", "IP", "The server node's InternalIP (default: the first IPv4 address).", v -> nodeIp = v);
        a.option("--kubelet-port", "PORT", "Kubelet API port (default: 10250).", Integer::parseInt, v -> kubeletPort = v);
        a.option("--token", "SECRET",
            "The secret of the node join token (or a whole K10... token of this cluster); default: a random one made at"
                + " the first start. The token is kept in DIR/"
                + NODE_TOKEN_FILE
                + "; `beluga token` prints it.",
            v -> token = v);
        a.option("--authorization-mode", "MODES",
            "Ordered, comma-separated authorizers: Node, RBAC, AlwaysAllow, AlwaysDeny (default: Node,RBAC)."
                + " Members of system:masters are always allowed.",
            v -> authorizationMode = v);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Running r;
        try {
            r = start();
        } catch (StartFailure e) {
            System.err.println("beluga server: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            r.close();
            stopped.countDown();
        }, "beluga-shutdown"));
        System.out.printf("Beluga server ready in %d ms: https://127.0.0.1:%d, data dir %s, datastore %s (revision %d)%n",
            (System.nanoTime() - t0) / 1_000_000, r.api().port(), r.dataDir(), r.store().backendName(), r.store().currentRevision());
        System.out.printf("  export KUBECONFIG=%s%n  kubectl get namespaces%n", r.kubeconfig());
        System.out.printf("Join agents with the token in %s (`beluga token` prints it):%n  beluga agent --server https://<this host>:%d"
            + " --token-file <a copy of that file>%n", r.nodeTokenFile(), r.api().port());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Opens the store, makes or loads the certificates, starts the API server and writes the admin kubeconfig. */
    Running start() throws Exception {
        dev.beluga.apiserver.SlowClassInit.inBackground(); // on the other core while the store opens
        Path dir;
        try {
            dir = DataDir.prepare(dataDir == null ? DataDir.defaultPath() : dataDir);
        } catch (IOException e) {
            throw new StartFailure(e.getMessage());
        }
        ServiceNetwork services;
        try {
            services = ServiceNetwork.parse(serviceCidr, serviceNodePortRange);
        } catch (IllegalArgumentException e) {
            throw new StartFailure(e.getMessage());
        }
        List<String> authorizationModes;
        try {
            authorizationModes = dev.beluga.apiserver.authz.AuthorizerChain.parseModes(authorizationMode);
        } catch (IllegalArgumentException e) {
            throw new StartFailure("--authorization-mode: " + e.getMessage());
        }
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        for (String san : tlsSans) {
            if (san.matches("[0-9.]+|.*:.*")) ips.add(InetAddress.getByName(san));
            else dns.add(san);
        }
        // certificates are made (first start) or loaded while the store opens and the caches load
        java.util.concurrent.CompletableFuture<ClusterPki> pkiReady = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return ClusterPki.loadOrCreate(dir.resolve("tls"), dns, ips);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (token != null) {
            try {
                if (!token.strip().startsWith(NodeToken.PREFIX)) NodeToken.checkSecret(token.strip());
                else NodeToken.parse(token);
            } catch (IllegalArgumentException e) {
                throw new StartFailure("--token: " + e.getMessage());
            }
        }
        // the node join token needs the CA: made or loaded right after it, still beside the store's opening
        java.util.concurrent.CompletableFuture<NodeToken> tokenReady = pkiReady.thenApplyAsync(p -> {
            try {
                return NodeToken.loadOrCreate(dir.resolve(NODE_TOKEN_FILE), p.caBundlePem(), token);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        PrometheusRegistry registry = new PrometheusRegistry();
        KvStore store;
        try {
            store = Stores.open(datastoreEndpoint, dir, registry);
        } catch (StoreException | IllegalArgumentException e) {
            throw new StartFailure("cannot open the datastore: " + e.getMessage());
        }
        Compactor compactor = new Compactor(store, retention).start(Duration.ofMinutes(1).compareTo(retention) < 0
            ? Duration.ofMinutes(1) : retention.dividedBy(2), Clock.systemUTC());
        char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        // the port's TLS material (key stores, the kubelet client certificate) too is made beside the store and bootstrap
        java.util.concurrent.CompletableFuture<ApiServer.Tls> tlsReady = pkiReady.thenApplyAsync(p -> ApiServer.Tls.fromPki(p, password));
        ApiServer api = new ApiServer(new ApiServer.Config(bindAddress, httpsPort, tlsReady::join, BelugaVersion.version(), services), store,
            registry).withAuthorizationModes(authorizationModes)
            .withServiceAccountTokens(new TokenIssuerConfig(serviceAccountIssuer, apiAudiences, () -> pkiReady.join().serviceAccountKey()))
            .withNodeBootstrap(() -> {
            ClusterPki p = pkiReady.join();
            return new NodeBootstrap(p.caBundlePem(), p.ca(), tokenReady.join(), clusterSigningDuration);
        });
        try {
            api.start();
        } catch (Exception e) {
            compactor.close();
            store.close();
            if (tokenReady.isCompletedExceptionally()) {
                Throwable cause = tokenReady.handle((t, err) -> err).join();
                while (cause instanceof java.util.concurrent.CompletionException || cause instanceof java.io.UncheckedIOException)
                    cause = cause.getCause();
                throw new StartFailure("the node join token: " + cause.getMessage());
            }
            throw new StartFailure("cannot start the API server on port " + httpsPort + ": " + e.getMessage());
        }
        ClusterPki pki = pkiReady.join();
        NodeToken nodeToken = tokenReady.join();
        log.info("node join token in {} (`beluga token` prints it; agents join with beluga agent --server URL --token ...)",
            dir.resolve(NODE_TOKEN_FILE));
        Path kubeconfig = dir.resolve("kubeconfig.yaml");
        // the kubeconfig (used by the in-process components too) names an address the server listens on
        String host = bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1"
            : bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
        String serverUrl = "https://" + host + ":" + api.port();
        Kubeconfig.write(kubeconfig, Kubeconfig.withClientCertificate(serverUrl, pki.caCertificate(), pki.admin()));
        List<AutoCloseable> components = new ArrayList<>();
        if (!disableScheduler) {
            try {
                components.add(ControlPlaneComponents.scheduler(kubeconfig, dir, registry, schedulerConfig));
            } catch (IOException | IllegalArgumentException e) {
                new Running(api, store, compactor, dir, kubeconfig, nodeToken, components).close();
                throw new StartFailure("invalid scheduler configuration " + schedulerConfig + ": " + e.getMessage());
            }
        }
        if (!disableControllerManager) {
            components.add(ControlPlaneComponents.controllerManager(kubeconfig, dir, java.util.Set.copyOf(disabledControllers),
                new dev.beluga.controllers.certificates.CertificateSigning(pki.ca(), clusterSigningDuration)));
        }
        if (!disableAgent) {
            List<String> missing = NodeAgents.missingPrerequisites();
            if (!missing.isEmpty()) {
                System.err.println("beluga server: running without a node agent (no pods will run on this machine); missing:\n  "
                    + String.join("\n  ", missing) + "\n  (or pass --disable-agent to silence this)");
            } else {
                try {
                    components.add(embeddedAgent(serverUrl, dir, pki));
                } catch (Exception e) {
                    new Running(api, store, compactor, dir, kubeconfig, nodeToken, components).close();
                    throw new StartFailure("cannot start the node agent: " + e.getMessage());
                }
            }
        }
        return new Running(api, store, compactor, dir, kubeconfig, nodeToken, components);
    }

    /**
     * The server's own node: an agent under {@code DIR/agent}, labelled as a control-plane node. It has the CA at hand,
     * so it needs no token: its client certificate ({@code system:node:<name>}, {@code DIR/agent/kubeconfig.yaml}) and
     * kubelet serving certificate are issued here.
     */
    private AutoCloseable embeddedAgent(String server, Path dir, ClusterPki pki) throws Exception {
        Path agentDir = dir.resolve("agent");
        String name = nodeName != null ? nodeName : dev.beluga.agent.node.MachineInfo.read(dir).hostname();
        Path kubeconfig = agentDir.resolve("kubeconfig.yaml");
        Kubeconfig.write(kubeconfig, Kubeconfig.withClientCertificate(server, pki.caCertificate(),
            pki.ca().issueClient("system:node:" + name, List.of("system:nodes"), ClusterPki.LEAF_VALIDITY)));
        dev.beluga.agent.AgentConfig config = dev.beluga.agent.AgentConfig.defaults(name, agentDir,
                dev.beluga.agent.images.BuiltinImages.PAUSE_IMAGE)
            .withKubeletPort(kubeletPort).withNodeLabels(java.util.Map.of("node-role.kubernetes.io/control-plane", "true"));
        if (nodeIp != null) config = config.withNodeIp(nodeIp);
        io.fabric8.kubernetes.client.KubernetesClient client = ControlPlaneComponents.client(kubeconfig);
        dev.beluga.agent.NodeAgent agent = NodeAgents.create(client, config, dir.resolve("images"), BelugaVersion.version(),
            NodeAgents::resources).withKubeletTls(NodeAgents.kubeletTls(pki, name, nodeIp));
        try {
            agent.start();
        } catch (Exception e) {
            agent.close();
            client.close();
            throw e;
        }
        return new AutoCloseable() {
            @Override
            public void close() {
                if (removePodsOnStop) agent.removeAllPods();
                agent.close();
                client.close();
            }

            @Override
            public String toString() {
                return "the node agent";
            }
        };
    }
}
