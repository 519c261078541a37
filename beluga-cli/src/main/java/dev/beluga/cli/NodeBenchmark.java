package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.Latencies;
import dev.beluga.store.bench.MachineInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The node agent with real containers: one node as a network namespace (addresses the benchmark assigns) running
 * {@code beluga agent} as its own process with its own containerd, against a server in this process (scheduler and
 * controllers on). Measures, as upstream's density test does:
 * <ol>
 *   <li>the agent's idle memory (RSS of the agent process, and of its containerd) once the node is Ready;</li>
 *   <li>pod startup (busybox, image present), each pod timed from its creation to the watch event that shows it
 *       Running (scheduling included): saturation pods created at a fixed rate (throughput), then latency pods one
 *       per second beside them (p50/p90/p99/max, the startup SLO's figure);</li>
 *   <li>the agent's CPU (share of one core) and memory with those pods held running for a while;</li>
 *   <li>the time until every pod is deleted (graceful termination by the agent, then removal from the API).</li>
 * </ol>
 * Every wait is bounded; all traffic stays on loopback and on the bridge the benchmark made.
 */
final class NodeBenchmark {
    record Config(int pods, int latencyPods, double createRate, Duration steady, Path work) {}

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private final Config config;
    private final PrintStream out;

    NodeBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory(config.work(), "beluga-bench-node-");
        NetnsNodes net = NetnsNodes.create(1, "bench-node-");
        ServerCommand.Running server = null;
        AgentProcess agent = null;
        try {
            ServerCommand cmd = new ServerCommand();
            cmd.disableAgent = true;
            CliRunner.bind(cmd, "--data-dir", dir.resolve("server").toString(), "--https-port", "0",
                "--bind-address", net.hostIp(), "--tls-san", net.hostIp());
            server = cmd.start();
            NetnsNodes.NetnsNode n = net.nodes().getFirst();
            agent = AgentProcess.start(n.netnsFile(), "https://" + net.hostIp() + ":" + server.api().port(), server.nodeToken(),
                dir.resolve("nodes").resolve(n.name()), n.name(), n.ip(), List.of());
            try (KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig())) {
                if (!UpCommand.awaitReady(client, 1, Duration.ofMinutes(2), List.of(agent))) {
                    throw new IllegalStateException("the node did not become Ready; see " + agent.log());
                }
                Thread.sleep(10_000); // let start-up work (image import, JIT) settle before the idle reading
                long containerd = containerdPid(agent.pid());
                figures.put("agentIdleRssMiB", rssMiB(agent.pid()));
                figures.put("agentIdleRssAnonMiB", rssMiB(agent.pid(), "RssAnon:"));
                figures.put("containerdIdleRssMiB", containerd > 0 ? rssMiB(containerd) : null);
                out.printf("node Ready; idle RSS: agent %.0f MiB (of which anonymous %.0f MiB; the rest is mapped files: the "
                        + "JDK, the jars, the AOT cache), containerd %.0f MiB%n", figures.get("agentIdleRssMiB"),
                    figures.get("agentIdleRssAnonMiB"), figures.get("containerdIdleRssMiB"));
                long agentCpu0 = cpuTicks(agent.pid())[0];
                long containerdCpu0 = containerd > 0 ? cpuTicks(containerd)[0] : 0;
                startup(client, n.name(), figures);
                figures.put("agentCpuMsPerPodStart", round((cpuTicks(agent.pid())[0] - agentCpu0) * 10.0 / config.pods()));
                figures.put("containerdCpuMsPerPodStart", containerd > 0 ? round((cpuTicks(containerd)[0] - containerdCpu0) * 10.0 / config.pods()) : null);
                out.printf("CPU per pod start: agent %.0f ms, containerd %.0f ms (shims and runc not counted)%n",
                    figures.get("agentCpuMsPerPodStart"), figures.get("containerdCpuMsPerPodStart"));
                steady(agent.pid(), containerd, figures);
                long t0 = System.nanoTime();
                client.pods().inNamespace("default").withLabel("bench", "node").delete();
                await(() -> client.pods().inNamespace("default").withLabel("bench", "node").list().getItems().isEmpty(), "pods deleted");
                figures.put("deleteAllSeconds", round((System.nanoTime() - t0) / 1e9));
                out.printf("%d pods deleted (graceful stop, removal from the API) in %.1f s%n", config.pods(), figures.get("deleteAllSeconds"));
            }
        } finally {
            if (agent != null) agent.stop(Duration.ofSeconds(120));
            if (server != null) server.close();
            net.close();
            if (System.getenv("BELUGA_BENCH_KEEP") == null) deleteTree(dir);
            else out.println("kept " + dir);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "node");
        line.put("pods", config.pods());
        line.put("createRatePerSecond", config.createRate());
        line.put("results", figures);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return figures;
    }

    /**
     * Upstream's density method: first the saturation pods, created at the configured rate (throughput and their
     * create → Running times under that load), then the latency pods, created one per second on the node that
     * already runs the others, each timed from creation to Running — the figure the startup SLO is about.
     */
    private void startup(KubernetesClient client, String node, Map<String, Object> figures) throws Exception {
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        Latencies saturation = new Latencies();
        Latencies latency = new Latencies();
        Watch watch = client.pods().inNamespace("default").withLabel("bench", "node").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                    long now = System.nanoTime();
                    String name = pod.getMetadata().getName();
                    if (running.putIfAbsent(name, now) == null) {
                        Long t = created.get(name);
                        if (t != null) (name.startsWith("latency-") ? latency : saturation).add(now - t);
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            int saturationPods = config.pods() - config.latencyPods();
            long interval = (long) (1e9 / config.createRate());
            long t0 = System.nanoTime();
            for (int i = 0; i < saturationPods; i++) {
                long wait = t0 + i * interval - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                create(client, "pod-" + i, created);
            }
            await(() -> running.size() >= saturationPods, saturationPods + " pods Running");
            double total = (System.nanoTime() - t0) / 1e9;
            figures.put("saturationPods", saturationPods);
            figures.put("saturationPodsPerSecond", round(saturationPods / total));
            figures.put("saturationP50Ms", round(saturation.percentileMs(0.50)));
            figures.put("saturationP99Ms", round(saturation.percentileMs(0.99)));
            out.printf("saturation: %d pods created at %.0f/s on node %s, all Running after %.1f s (%.1f pods/s); "
                    + "create -> Running p50 %.0f ms, p99 %.0f ms%n", saturationPods, config.createRate(), node, total,
                saturationPods / total, saturation.percentileMs(0.5), saturation.percentileMs(0.99));
            Thread.sleep(5_000);
            for (int i = 0; i < config.latencyPods(); i++) {
                long started = System.nanoTime();
                create(client, "latency-" + i, created);
                long wait = started + 1_000_000_000L - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            }
            await(() -> running.size() >= config.pods(), config.pods() + " pods Running");
            figures.put("startupP50Ms", round(latency.percentileMs(0.50)));
            figures.put("startupP90Ms", round(latency.percentileMs(0.90)));
            figures.put("startupP99Ms", round(latency.percentileMs(0.99)));
            figures.put("startupMaxMs", round(latency.percentileMs(1.0)));
            out.printf("pod startup latency (%d latency pods, one per second, beside %d running; create -> Running seen "
                    + "through a watch): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n", config.latencyPods(), saturationPods,
                latency.percentileMs(0.5), latency.percentileMs(0.9), latency.percentileMs(0.99), latency.percentileMs(1.0));
        } finally {
            watch.close();
        }
    }

    private static void create(KubernetesClient client, String name, Map<String, Long> created) {
        created.put(name, System.nanoTime());
        client.pods().inNamespace("default").resource(new PodBuilder()
            .withNewMetadata().withName(name).addToLabels("bench", "node").endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(1L)
            .addNewContainer().withName("c").withImage("busybox:1.35").withCommand("sleep", "3600")
            .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("10m")).endResources()
            .endContainer().endSpec().build()).create();
    }

    private void steady(long agentPid, long containerdPid, Map<String, Object> figures) throws Exception {
        long[] a0 = cpuTicks(agentPid);
        long c0 = containerdPid > 0 ? cpuTicks(containerdPid)[0] : 0;
        long t0 = System.nanoTime();
        Thread.sleep(config.steady().toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] a1 = cpuTicks(agentPid);
        long c1 = containerdPid > 0 ? cpuTicks(containerdPid)[0] : 0;
        double ticks = 100.0; // USER_HZ
        figures.put("agentCpuPercentWithPods", round(100.0 * (a1[0] - a0[0]) / ticks / seconds));
        figures.put("containerdCpuPercentWithPods", containerdPid > 0 ? round(100.0 * (c1 - c0) / ticks / seconds) : null);
        figures.put("agentRssMiBWithPods", rssMiB(agentPid));
        figures.put("containerdRssMiBWithPods", containerdPid > 0 ? rssMiB(containerdPid) : null);
        out.printf("%d pods held for %.0f s: agent CPU %.1f%% of a core, RSS %.0f MiB; containerd CPU %.1f%%, RSS %.0f MiB%n",
            config.pods(), seconds, figures.get("agentCpuPercentWithPods"), figures.get("agentRssMiBWithPods"),
            figures.get("containerdCpuPercentWithPods"), figures.get("containerdRssMiBWithPods"));
    }

    /** utime+stime of a process, in clock ticks. */
    static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    static double rssMiB(long pid) throws IOException {
        return rssMiB(pid, "VmRSS:");
    }

    /** A memory figure of /proc/PID/status (VmRSS:, RssAnon:, RssFile:), in MiB. */
    static double rssMiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) return round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        }
        return 0;
    }

    /** The agent's containerd: its child process named containerd. */
    static long containerdPid(long agentPid) {
        return ProcessHandle.of(agentPid).stream().flatMap(ProcessHandle::children)
            .filter(p -> p.info().command().map(c -> c.endsWith("/containerd")).orElse(false))
            .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private static void await(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}
