package dev.beluga.cli;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.certificates.NodeCertificates;
import dev.beluga.agent.certificates.RotatingClientTls;
import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.join.JoinException;
import dev.beluga.agent.join.NodeCredentials;
import dev.beluga.agent.join.NodeJoin;
import dev.beluga.pki.NodeToken;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga agent --server URL --token TOKEN}: the node agent alone (Beluga's kubelet) — joins the cluster with the
 * token as a k3s agent does (the token pins the server's CA; the node gets its own client and kubelet serving
 * certificates, see {@link NodeJoin}), registers this machine as a Node and runs the pods bound to it through
 * containerd (its own, supervised, unless {@code --container-runtime-endpoint} names one). {@code --kubeconfig FILE}
 * (with {@code --cluster-pki-dir} for the kubelet API) is the older way for an agent on the server's machine.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run the node agent (kubelet) against an API server.")
final class AgentCommand implements Callable<Integer> {
    /** The environment variable holding the join token when neither --token nor --token-file is given. */
    static final String TOKEN_ENV = "BELUGA_TOKEN";

    @Option(names = "--server", paramLabel = "URL", description = "The API server to join, https://HOST:PORT (with a join token).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "Join token K10<ca hash>::node:<secret> (`beluga token` on the server prints it); or --token-file, or env "
            + TOKEN_ENV + ". Needed at the first start; later starts reuse the node's credentials.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the join token.")
    Path tokenFile;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
        description = "Use this kubeconfig instead of joining with --server/--token (e.g. an admin kubeconfig on the server's machine).")
    Path kubeconfig;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Agent data directory (default: /var/lib/beluga/agent as root, ~/.beluga/agent otherwise).")
    Path dataDir;

    @Option(names = "--node-name", paramLabel = "NAME", description = "The Node's name (default: the host name).")
    String nodeName;

    @Option(names = "--node-ip", paramLabel = "IP", description = "The node's InternalIP (default: the first IPv4 address).")
    String nodeIp;

    @Option(names = "--node-label", paramLabel = "KEY=VALUE", description = "Extra label on the Node (repeatable).")
    List<String> nodeLabels = new ArrayList<>();

    @Option(names = "--container-runtime-endpoint", paramLabel = "SOCKET",
        description = "Use this CRI socket instead of starting containerd.")
    Path criSocket;

    @Option(names = "--kubelet-port", paramLabel = "PORT", defaultValue = "10250", description = "Kubelet API port (default: 10250).")
    int kubeletPort;

    @Option(names = "--cluster-dns", paramLabel = "IP", description = "Cluster DNS server for pods (repeatable).")
    List<String> clusterDns = new ArrayList<>();

    @Option(names = "--host-gw-routes", description = "Route other nodes' pod CIDRs via their InternalIPs (nodes on one link).")
    boolean hostGwRoutes;

    @Option(names = "--proxy-mode", paramLabel = "MODE", defaultValue = "auto",
        description = "Service proxy: nftables, userspace, none, or auto (nftables when available; default: auto).")
    String proxyMode;

    @Option(names = "--cluster-cidr", paramLabel = "CIDR", defaultValue = "10.42.0.0/16",
        description = "Where all pods have their addresses; pods' connections elsewhere are masqueraded (default: 10.42.0.0/16; empty: never).")
    String clusterCidr;

    @Option(names = "--image-gc-high-threshold", paramLabel = "PERCENT", defaultValue = "85",
        description = "Image filesystem usage from which unused images are removed (default: 85; 100 disables).")
    int imageGcHigh;

    @Option(names = "--image-gc-low-threshold", paramLabel = "PERCENT", defaultValue = "80",
        description = "Image filesystem usage image GC brings it down to (default: 80).")
    int imageGcLow;

    @Option(names = "--image-minimum-gc-age", paramLabel = "DURATION", defaultValue = "PT2M",
        description = "Minimum age of an unused image before it may be removed (default: PT2M).")
    java.time.Duration imageGcMinAge;

    @Option(names = "--registries", paramLabel = "FILE",
        description = "Registry mirrors and credentials, in k3s's registries.yaml format (default: /etc/beluga/registries.yaml when it exists).")
    Path registries;

    @Option(names = "--disable-default-registry-endpoint",
        description = "Pull mirrored registries only through their mirrors, never from the registry's own address.")
    boolean disableDefaultRegistryEndpoint;

    @Option(names = "--remove-pods-on-exit", description = "Stop and remove every pod of this node when the agent stops.")
    boolean removePodsOnExit;

    @Option(names = "--cluster-pki-dir", paramLabel = "DIR",
        description = "The server's PKI directory (DATA/tls) on this machine: the agent's kubelet API gets a serving certificate from its CA.")
    Path clusterPkiDir;

    @Override
    public Integer call() throws Exception {
        if ((server == null) == (kubeconfig == null)) {
            System.err.println("beluga agent: give --server URL with a join token (--token, --token-file or " + TOKEN_ENV
                + "), or --kubeconfig FILE" + (server != null ? ", not both" : ""));
            return 2;
        }
        NodeToken joinToken;
        try {
            joinToken = server == null ? null : joinToken(token, tokenFile, System.getenv(TOKEN_ENV));
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("beluga agent: " + e.getMessage());
            return 2;
        }
        if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
            System.err.println("beluga agent: cannot read the kubeconfig " + kubeconfig);
            return 2;
        }
        List<String> missing = NodeAgents.missingPrerequisites();
        if (criSocket == null && !missing.isEmpty()) {
            System.err.println("beluga agent: this machine cannot run containers yet; missing:\n  " + String.join("\n  ", missing));
            return 2;
        }
        Path dir = DataDir.prepare(dataDir == null ? DataDir.defaultPath().resolve("agent") : dataDir);
        AgentConfig config = config(dir, nodeName == null ? dev.beluga.agent.node.MachineInfo.read(dir).hostname() : nodeName);
        NodeCredentials credentials = null;
        List<java.net.InetAddress> addresses = NodeAgents.nodeAddresses(nodeIp);
        if (server != null) {
            try {
                credentials = NodeJoin.credentials(new NodeJoin.Request(server, joinToken, config.nodeName(), addresses, dir),
                    java.time.Clock.systemUTC());
            } catch (JoinException e) {
                System.err.println("beluga agent: cannot join the cluster: " + e.getMessage());
                return 1;
            }
        }
        // a joined node's client certificate is renewed while it runs: its API client presents whichever is current
        RotatingClientTls clientTls = credentials == null ? null : new RotatingClientTls(credentials.client(), credentials.cas());
        KubernetesClient client = clientTls == null ? AgentClient.create(kubeconfig) : AgentClient.joined(server, clientTls);
        NodeAgent agent = NodeAgents.create(client, config, dir.resolve("images"), BelugaVersion.version(), NodeAgents::resources,
                dev.beluga.agent.images.RegistriesConfig.load(registries != null ? registries : dev.beluga.agent.images.RegistriesConfig.DEFAULT_PATH),
                disableDefaultRegistryEndpoint)
            .withImageGc(new dev.beluga.agent.pods.ImageGcPolicy(imageGcHigh, imageGcLow, imageGcMinAge));
        if (clusterPkiDir != null) {
            agent.withKubeletTls(NodeAgents.kubeletTls(dev.beluga.pki.ClusterPki.loadOrCreate(clusterPkiDir, List.of(), List.of()),
                config.nodeName(), nodeIp));
        } else if (credentials != null) {
            agent.withKubeletTls(credentials.kubeletTls());
        } else {
            System.err.println("beluga agent: no --cluster-pki-dir: the kubelet API (kubectl logs) is off on this node");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        NodeCertificates[] rotation = new NodeCertificates[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (rotation) {
                if (rotation[0] != null) rotation[0].close();
            }
            if (removePodsOnExit) agent.removeAllPods();
            agent.close();
            client.close();
            stopped.countDown();
        }, "beluga-shutdown"));
        try {
            agent.start();
        } catch (Exception e) {
            System.err.println("beluga agent: cannot start the node agent: " + e);
            return 1; // the shutdown hook stops what was started (containerd)
        }
        if (credentials != null && clusterPkiDir == null) {
            synchronized (rotation) {
                rotation[0] = new NodeCertificates(client, credentials, dir, server, config.nodeName(), addresses, clientTls, serving -> {
                    try {
                        agent.reloadKubeletServing(serving);
                    } catch (Exception e) {
                        throw new IllegalStateException("the kubelet API cannot take the renewed certificate: " + e.getMessage(), e);
                    }
                }, java.time.Clock.systemUTC()).start();
            }
        }
        System.out.println("Beluga agent running: node " + config.nodeName() + " (" + agent.hostIp() + "), data dir " + dir);
        HeapCompaction.start();
        stopped.await();
        return 0;
    }

    /**
     * The join token from {@code --token}, else {@code --token-file}, else the environment; an error names what is
     * wrong, never the secret.
     */
    static NodeToken joinToken(String token, Path tokenFile, String env) throws java.io.IOException {
        if (token != null && tokenFile != null) throw new IllegalArgumentException("give --token or --token-file, not both");
        String text = token;
        String source = "--token";
        if (text == null && tokenFile != null) {
            text = Files.readString(tokenFile);
            source = "--token-file " + tokenFile;
        }
        if (text == null && env != null && !env.isBlank()) {
            text = env;
            source = TOKEN_ENV;
        }
        if (text == null) return null;
        try {
            return NodeToken.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    AgentConfig config(Path dir, String name) {
        Map<String, String> labels = new HashMap<>();
        for (String l : nodeLabels) {
            int eq = l.indexOf('=');
            labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        AgentConfig c = AgentConfig.defaults(name, dir, BuiltinImages.PAUSE_IMAGE).withKubeletPort(kubeletPort)
            .withNodeLabels(labels).withClusterDns(clusterDns).withHostGwRoutes(hostGwRoutes)
            .withProxyMode(proxyMode).withClusterCidr(clusterCidr);
        if (criSocket != null) c = c.withCriSocket(criSocket);
        if (nodeIp != null) c = c.withNodeIp(nodeIp);
        return c;
    }
}
