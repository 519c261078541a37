package dev.beluga.cli;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.certificates.NodeCertificates;
import dev.beluga.agent.certificates.RotatingClientTls;
import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.join.JoinException;
import dev.beluga.agent.join.NodeCredentials;
import dev.beluga.agent.join.NodeJoin;
import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.pki.NodeToken;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga agent --server URL --token TOKEN}: the node agent alone (Beluga's kubelet) — joins the cluster with the
 * token as a k3s agent does (the token pins the server's CA; the node gets its own client and kubelet serving
 * certificates, see {@link NodeJoin}), registers this machine as a Node and runs the pods bound to it through
 * containerd (its own, supervised, unless {@code --container-runtime-endpoint} names one). {@code --kubeconfig FILE}
 * (with {@code --cluster-pki-dir} for the kubelet API) is the older way for an agent on the server's machine.
 */
final class AgentCommand implements CliCommand {
    static final String DESCRIPTION = "Run the node agent (kubelet) against an API server.";

    /** The environment variable holding the join token when neither --token nor --token-file is given. */
    static final String TOKEN_ENV = "BELUGA_TOKEN";

    String server;
    String token;
    Path tokenFile;
    Path kubeconfig;
    Path dataDir;
    String nodeName;
    String nodeIp;
    List<String> nodeLabels = new ArrayList<>();
    Path criSocket;
    int kubeletPort = 10250;
    List<String> clusterDns = new ArrayList<>();
    boolean hostGwRoutes;
    String proxyMode = "auto";
    String clusterCidr = "10.42.0.0/16";
    int imageGcHigh = 85;
    int imageGcLow = 80;
    Duration imageGcMinAge = Duration.ofMinutes(2);
    Path registries;
    boolean disableDefaultRegistryEndpoint;
    boolean removePodsOnExit;
    Path clusterPkiDir;

    @Override
    public void declare(Arguments a) {
        a.option("--server", "URL", "The API server to join, https://HOST:PORT (with a join token).", v -> server = v);
        a.option("--token", "TOKEN",
            "Join token K10<ca hash>::node:<secret> (`beluga token` on the server prints it); or --token-file, or env "
                + TOKEN_ENV + ". Needed at the first start; later starts reuse the node's credentials.",
            v -> token = v);
        a.option("--token-file", "FILE", "File holding the join token.", Path::of, v -> tokenFile = v);
        a.option("--kubeconfig", "FILE",
            "Use this kubeconfig instead of joining with --server/--token (e.g. an admin kubeconfig on the server's machine).",
            Path::of, v -> kubeconfig = v);
        a.option("--data-dir", "DIR", "Agent data directory (default: /var/lib/beluga/agent as root, ~/.beluga/agent otherwise).",
            Path::of, v -> dataDir = v);
        a.option("--node-name", "NAME", "The Node's name (default: the host name).", v -> nodeName = v);
        a.option("--node-ip", "IP", "The node's InternalIP (default: the first IPv4 address).", v -> nodeIp = v);
        a.option("--node-label", "KEY=VALUE", "Extra label on the Node (repeatable).", nodeLabels::add);
        a.option("--container-runtime-endpoint", "SOCKET", "Use this CRI socket instead of starting containerd.",
            Path::of, v -> criSocket = v);
        a.option("--kubelet-port", "PORT", "Kubelet API port (default: 10250).", Integer::parseInt, v -> kubeletPort = v);
        a.option("--cluster-dns", "IP", "Cluster DNS server for pods (repeatable).", clusterDns::add);
        a.flag("--host-gw-routes", "Route other nodes' pod CIDRs via their InternalIPs (nodes on one link).",
            () -> hostGwRoutes = true);
        a.option("--proxy-mode", "MODE",
            "Service proxy: nftables, userspace, none, or auto (nftables when available; default: auto).",
            v -> proxyMode = v);
        a.option("--cluster-cidr", "CIDR",
            "Where all pods have their addresses; pods' connections elsewhere are masqueraded (default: 10.42.0.0/16; empty: never).",
            v -> clusterCidr = v);
        a.option("--image-gc-high-threshold", "PERCENT",
            "Image filesystem usage from which unused images are removed (default: 85; 100 disables).",
            Integer::parseInt, v -> imageGcHigh = v);
        a.option("--image-gc-low-threshold", "PERCENT", "Image filesystem usage image GC brings it down to (default: 80).",
            Integer::parseInt, v -> imageGcLow = v);
        a.option("--image-minimum-gc-age", "DURATION", "Minimum age of an unused image before it may be removed (default: PT2M).",
            Duration::parse, v -> imageGcMinAge = v);
        a.option("--registries", "FILE",
            "Registry mirrors and credentials, in k3s's registries.yaml format (default: /etc/beluga/registries.yaml when it exists).",
            Path::of, v -> registries = v);
        a.flag("--disable-default-registry-endpoint",
            "Pull mirrored registries only through their mirrors, never from the registry's own address.",
            () -> disableDefaultRegistryEndpoint = true);
        a.flag("--remove-pods-on-exit", "Stop and remove every pod of this node when the agent stops.",
            () -> removePodsOnExit = true);
        a.option("--cluster-pki-dir", "DIR",
            "The server's PKI directory (DATA/tls) on this machine: the agent's kubelet API gets a serving certificate from its CA.",
            Path::of, v -> clusterPkiDir = v);
    }

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
