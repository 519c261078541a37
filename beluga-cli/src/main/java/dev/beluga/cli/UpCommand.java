package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga up}: a working cluster on this machine in one command — the control plane with the embedded store,
 * and a node agent running pods through containerd (one node in the host network, or with {@code --nodes N} N nodes
 * simulated as network namespaces, each with its own containerd and agent process). Waits until every node is Ready,
 * prints how to use kubectl, and on Ctrl-C or SIGTERM stops everything it started (pods, agents, containerd, the
 * network namespaces, the server).
 */
final class UpCommand implements CliCommand {
    static final String DESCRIPTION = "Start a working single-machine cluster (server + node agents).";

    Path dataDir;
    int httpsPort = 6443;
    int nodes = 1;
    Duration readyTimeout = Duration.ofMinutes(3);

    @Override
    public void declare(Arguments a) {
        a.option("--data-dir", "DIR", "Data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).",
            Path::of, v -> dataDir = v);
        a.option("--https-port", "PORT", "API server port (default: 6443).", Integer::parseInt, v -> httpsPort = v);
        a.option("--nodes", "N", "Number of nodes; more than 1 simulates them as network namespaces (default: 1).",
            Integer::parseInt, v -> nodes = v);
        a.option("--ready-timeout", "DURATION", "How long to wait for the nodes to be Ready (default: PT3M).",
            Duration::parse, v -> readyTimeout = v);
    }

    @Override
    public Integer call() throws Exception {
        List<String> missing = NodeAgents.missingPrerequisites();
        if (!missing.isEmpty()) {
            System.err.println("beluga up: this machine cannot run containers yet; missing:\n  " + String.join("\n  ", missing)
                + "\n  (scripts/install-deps installs the packages; `beluga server` runs the control plane alone)");
            return 2;
        }
        if (nodes < 1) {
            System.err.println("beluga up: --nodes must be at least 1");
            return 2;
        }
        long t0 = System.nanoTime();
        List<AutoCloseable> started = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("beluga up: stopping");
            closeAll(started);
            stopped.countDown();
        }, "beluga-shutdown"));
        ServerCommand server = new ServerCommand();
        server.dataDir = dataDir;
        server.httpsPort = httpsPort;
        server.datastoreEndpoint = "embedded";
        server.retention = Duration.ofMinutes(5);
        server.bindAddress = "0.0.0.0";
        server.removePodsOnStop = true;
        NetnsNodes net = null;
        if (nodes > 1) {
            net = NetnsNodes.create(nodes, "node-");
            server.disableAgent = true;
            server.tlsSans.add(net.hostIp());
        }
        ServerCommand.Running running;
        try {
            running = server.start();
        } catch (ServerCommand.StartFailure e) {
            if (net != null) net.close();
            System.err.println("beluga up: " + e.getMessage());
            return 2;
        }
        if (net != null) started.add(net);
        started.add(running);
        List<AgentProcess> agents = new ArrayList<>();
        if (net != null) {
            // the nodes join as remote agents do: the server's address on the nodes' link and the join token
            String serverUrl = "https://" + net.hostIp() + ":" + running.api().port();
            for (NetnsNodes.NetnsNode n : net.nodes()) {
                AgentProcess agent = AgentProcess.start(n.netnsFile(), serverUrl, running.nodeToken(),
                    running.dataDir().resolve("nodes").resolve(n.name()), n.name(), n.ip(), List.of());
                started.add(agent);
                agents.add(agent);
            }
        }
        try (KubernetesClient client = ControlPlaneComponents.client(running.kubeconfig())) {
            if (!awaitReady(client, nodes, readyTimeout, agents)) {
                System.err.println("beluga up: the nodes did not become Ready within " + readyTimeout
                    + "; see the logs under " + running.dataDir());
            }
        }
        System.out.printf("Beluga is up in %d ms: %d node(s), API https://127.0.0.1:%d, data dir %s%n",
            (System.nanoTime() - t0) / 1_000_000, nodes, running.api().port(), running.dataDir());
        System.out.printf("  export KUBECONFIG=%s%n  kubectl get nodes%n  kubectl create deployment web --image=busybox:1.35 -- httpd -f -p 80%n",
            running.kubeconfig());
        System.out.println("Ctrl-C stops the cluster (pods, node agents, containerd, server); the data stays in the data dir.");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Waits until {@code count} nodes are Ready; false at the timeout or when an agent process died. */
    static boolean awaitReady(KubernetesClient client, int count, Duration timeout, List<AgentProcess> agents)
        throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long ready = 0;
        while (System.nanoTime() < end) {
            for (AgentProcess a : agents) {
                if (!a.isAlive()) {
                    System.err.println("beluga up: a node agent exited; see " + a.log());
                    return false;
                }
            }
            ready = client.nodes().list().getItems().stream().filter(UpCommand::isReady).count();
            if (ready >= count) return true;
            Thread.sleep(500);
        }
        return false;
    }

    static boolean isReady(Node n) {
        return n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static void closeAll(List<AutoCloseable> started) {
        // agents first (they stop their pods), then the server, then the network
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("stopping " + c + ": " + e);
            }
        }
    }
}
