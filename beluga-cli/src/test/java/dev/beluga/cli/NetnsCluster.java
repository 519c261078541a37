package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real cluster of N nodes on this machine, as {@code beluga up --nodes N} makes it: the server in the host network
 * namespace, N network namespaces joined by a bridge (addresses the fixture assigns), each running its own
 * {@code beluga agent} process with its own containerd; the real kubectl. {@link #close()} removes namespaces,
 * mounts, cgroups and processes, also after a failed start. Needs root.
 */
final class NetnsCluster implements AutoCloseable {
    final Path dir;
    final NetnsNodes net;
    final ServerCommand.Running server;
    final KubernetesClient client;
    final Path kubeconfig;
    final List<AgentProcess> agents = new ArrayList<>();

    private NetnsCluster(Path dir, NetnsNodes net, ServerCommand.Running server, KubernetesClient client, Path kubeconfig) {
        this.dir = dir;
        this.net = net;
        this.server = server;
        this.client = client;
        this.kubeconfig = kubeconfig;
    }

    /** Skips the calling test class unless this machine can run such a cluster (root, containerd, runc, CNI, tools). */
    static void assumeSupported() throws InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces, containers)");
        org.junit.jupiter.api.Assumptions.assumeTrue(NodeAgents.missingPrerequisites().isEmpty(), "missing " + NodeAgents.missingPrerequisites());
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.beluga.agent.images.BuiltinImages.missingHostTools().isEmpty(),
            "missing " + dev.beluga.agent.images.BuiltinImages.missingHostTools());
    }

    /** Starts the server and {@code nodes} agents and waits until every node is Ready. */
    static NetnsCluster start(int nodes, String name) throws Exception {
        return start(nodes, name, new String[0]);
    }

    /** As {@link #start(int, String)}, with more {@code beluga server} arguments. */
    static NetnsCluster start(int nodes, String name, String... serverArgs) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "beluga-" + name + "-");
        NetnsNodes net = null;
        NetnsCluster c = null;
        try {
            net = NetnsNodes.create(nodes, "node-");
            ServerCommand cmd = new ServerCommand();
            cmd.disableAgent = true;
            List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve("server").toString(), "--https-port", "0",
                "--bind-address", net.hostIp(), "--tls-san", net.hostIp()));
            args.addAll(List.of(serverArgs));
            CliRunner.bind(cmd, args.toArray(String[]::new));
            ServerCommand.Running server = cmd.start();
            // the server listens on the bridge address only, which its kubeconfig names
            Path kubeconfig = server.kubeconfig();
            assertThat(Files.readString(kubeconfig)).contains("https://" + net.hostIp() + ":");
            c = new NetnsCluster(dir, net, server, ControlPlaneComponents.client(kubeconfig), kubeconfig);
            // the agents join with the token, as remote agents do; nothing of the server's data directory is theirs
            String url = "https://" + net.hostIp() + ":" + server.api().port();
            for (NetnsNodes.NetnsNode n : net.nodes()) {
                c.agents.add(AgentProcess.start(n.netnsFile(), url, server.nodeToken(),
                    dir.resolve("nodes").resolve(n.name()), n.name(), n.ip(), List.of()));
            }
            if (!UpCommand.awaitReady(c.client, nodes, Duration.ofSeconds(120), c.agents)) {
                StringBuilder logs = new StringBuilder();
                for (AgentProcess a : c.agents) {
                    List<String> lines = Files.exists(a.log()) ? Files.readAllLines(a.log()) : List.of();
                    logs.append("\n== ").append(a.log()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
                }
                throw new AssertionError("the " + nodes + " nodes did not become Ready:" + logs);
            }
            return c;
        } catch (Exception | AssertionError e) {
            if (c != null) c.close();
            else {
                if (net != null) net.close();
                deleteTree(dir);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        for (AgentProcess a : agents) a.stop(Duration.ofSeconds(60));
        if (client != null) client.close();
        if (server != null) server.close();
        for (NetnsNodes.NetnsNode n : net.nodes()) killAll(n);
        net.close();
        unmountUnder(dir);
        for (NetnsNodes.NetnsNode n : net.nodes()) removeCgroups("beluga/" + n.name());
        deleteTree(dir);
    }

    void awaitPhase(String pod, String phase, Duration timeout) throws Exception {
        try {
            await(timeout, () -> {
                Pod p = client.pods().inNamespace("default").withName(pod).get();
                return p != null && p.getStatus() != null && phase.equals(p.getStatus().getPhase());
            }, pod + " " + phase);
        } catch (AssertionError e) {
            String detail;
            try {
                detail = kubectl("describe", "pod", pod) + kubectl("logs", pod);
            } catch (Exception | AssertionError d) {
                detail = "(no details: " + d.getMessage() + ")";
            }
            throw new AssertionError(e.getMessage() + "\n" + detail, e);
        }
    }

    static void await(Duration timeout, java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    String kubectl(String... args) throws Exception {
        return kubectlWith(kubeconfig, args);
    }

    /** kubectl with another kubeconfig (e.g. a node's own). */
    String kubectlWith(Path kubeconfig, String... args) throws Exception {
        String stdin = null;
        List<String> list = new ArrayList<>(List.of(args));
        if (list.contains("-f") && list.get(list.indexOf("-f") + 1).equals("-")) {
            stdin = list.removeLast();
        }
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
            "--cache-dir", dir.resolve("kubectl-cache").toString()));
        cmd.addAll(list);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "kubectl", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", list) + " did not finish");
        }
        String text = Files.readString(out);
        assertThat(p.exitValue()).as("kubectl %s:%n%s", String.join(" ", list), text).isZero();
        return text;
    }

    /**
     * Kills every process of the node: those in its network namespace (the agent, its containerd and shims) and those
     * in its pods' cgroups (containers live in their pods' own network namespaces).
     */
    static void killAll(NetnsNodes.NetnsNode node) {
        List<String> pids = new ArrayList<>();
        try {
            pids.addAll(List.of(NetnsNodes.run("ip", "netns", "pids", node.netns()).split("\\s+")));
        } catch (IOException | InterruptedException e) {
            // the namespace is gone already
        }
        Path cg = Path.of("/sys/fs/cgroup/pids/beluga", node.name());
        if (Files.isDirectory(cg)) {
            try (Stream<Path> walk = Files.walk(cg)) {
                for (Path tasks : walk.filter(p -> p.getFileName().toString().equals("tasks")).toList()) {
                    pids.addAll(Files.readAllLines(tasks));
                }
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // raced with the runtime
            }
        }
        for (String pid : pids) {
            if (pid.isBlank()) continue;
            try {
                new ProcessBuilder("kill", "-9", pid.trim()).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // gone
            }
        }
    }

    static void unmountUnder(Path root) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mp = line.split(" ")[4];
                if (mp.startsWith(root.toString())) mounts.add(mp);
            }
            mounts.sort(Comparator.comparingInt(String::length).reversed());
            for (String m : mounts) new ProcessBuilder("umount", "-l", m).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // best effort
        }
    }

    /** Removes the cgroups a killed node left (its agent could not). */
    static void removeCgroups(String rel) {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path d = h.resolve(rel);
                if (!Files.isDirectory(d)) continue;
                try (Stream<Path> walk = Files.walk(d)) {
                    walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                h.resolve("beluga").toFile().delete();
            }
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}
