package dev.beluga.cli.bench;

import dev.beluga.proxy.ProxyRunner;
import dev.beluga.proxy.ServiceChangeTracker;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.nft.NftablesProxier;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.Latencies;
import dev.beluga.store.bench.MachineInfo;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network programming: the agent's nftables proxy, fed through the API by a fresh {@code beluga server}, programming a
 * network namespace this benchmark creates (no packet leaves it; endpoint addresses are never contacted).
 * <ol>
 *   <li>N Services (each with its cluster IP) and one EndpointSlice per Service with E endpoints are created; the time
 *       until all are programmed is recorded, then the duration of a full sync (the whole table replaced) at that
 *       size;</li>
 *   <li>C EndpointSlice changes (one endpoint replaced each, a random Service each time, R per second): for each, the
 *       time from the API write starting to the proxy's transaction being committed (rules in effect for new
 *       connections) — p50/p99/max — and the duration of the incremental syncs.</li>
 * </ol>
 */
public final class ProxyBenchmark {
    public record Config(int services, int endpointsPerService, int changes, double rate, Path work) {
    }

    private static final Duration LIMIT = Duration.ofMinutes(10);
    private final Config config;
    private final PrintStream out;

    public ProxyBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        String netns = "beluga-bench-proxy-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        sh("ip", "netns", "add", netns);
        try (BenchServer server = BenchServer.start(config.work(), "proxy", List.of("--disable-controller-manager", "--disable-scheduler"));
             KubernetesClient client = client(server)) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("bench")
                .endMetadata().build()).create();
            NftablesProxier proxier = new NftablesProxier("bench-node", "10.42.1.0/24", List.of("ip", "netns", "exec", netns));
            Map<ServiceKey, Long> pending = new ConcurrentHashMap<>();
            Latencies programming = new Latencies();
            ProxyRunner runner = new ProxyRunner(proxier, new ServiceChangeTracker(), Duration.ofMillis(100), Duration.ofHours(1))
                .onProgrammed((keys, done) -> {
                    for (ServiceKey k : keys) {
                        Long t0 = pending.remove(k);
                        if (t0 != null) programming.add(done - t0);
                    }
                });
            runner.watch(client).start();
            try {
                create(client, runner, figures);
                long syncs = runner.syncs();
                runner.requestFullSync();
                await(() -> runner.syncs() > syncs, "a full sync");
                figures.put("fullSyncMs", round(runner.lastFullSyncMillis()));
                runner.syncDurations().resetWindow();
                change(client, pending, programming, figures);
                figures.put("incrementalSyncP50Ms", round(runner.syncDurations().percentileMillis(0.50)));
                figures.put("incrementalSyncP99Ms", round(runner.syncDurations().percentileMillis(0.99)));
                figures.put("failedSyncs", runner.failures());
            } finally {
                runner.removeRules();
            }
        } finally {
            sh("ip", "netns", "del", netns);
        }
        out.printf("%-44s %s%n", "services / endpoints", config.services() + " / " + config.services() * config.endpointsPerService());
        figures.forEach((k, v) -> out.printf("%-44s %s%n", k, v));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "proxy");
        line.put("services", config.services());
        line.put("endpoints", config.services() * config.endpointsPerService());
        line.put("results", figures);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return figures;
    }

    private void create(KubernetesClient client, ProxyRunner runner, Map<String, Object> figures) throws Exception {
        long t0 = System.nanoTime();
        int n = config.services();
        List<Thread> writers = new ArrayList<>();
        int threads = 16;
        for (int w = 0; w < threads; w++) {
            int first = w;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < n; i += threads) {
                    client.services().inNamespace("bench").resource(service(i)).create();
                    client.discovery().v1().endpointSlices().inNamespace("bench").resource(slice(i, 0)).create();
                }
            }));
        }
        for (Thread t : writers) t.join(LIMIT.toMillis());
        long written = System.nanoTime();
        int expected = n * config.endpointsPerService();
        await(() -> runner.idle() && runner.tracker().snapshot().endpointCount() >= expected, "the proxy to program every object");
        figures.put("createObjectsS", round((written - t0) / 1e9));
        figures.put("allProgrammedS", round((System.nanoTime() - t0) / 1e9));
    }

    private void change(KubernetesClient client, Map<ServiceKey, Long> pending, Latencies programming,
                        Map<String, Object> figures) throws Exception {
        long interval = (long) (1e9 / config.rate());
        long start = System.nanoTime();
        int[] generation = new int[config.services()];
        for (int c = 0; c < config.changes(); c++) {
            long due = start + c * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            int i;
            do {
                i = ThreadLocalRandom.current().nextInt(config.services());
            } while (pending.containsKey(key(i)));
            generation[i]++;
            pending.put(key(i), System.nanoTime());
            client.discovery().v1().endpointSlices().inNamespace("bench").resource(slice(i, generation[i])).update();
        }
        await(pending::isEmpty, "every change to be programmed");
        figures.put("changes", config.changes());
        figures.put("changeToRulesP50Ms", round(programming.percentileMs(0.50)));
        figures.put("changeToRulesP99Ms", round(programming.percentileMs(0.99)));
        figures.put("changeToRulesMaxMs", round(programming.percentileMs(1.0)));
    }

    private static ServiceKey key(int i) {
        return new ServiceKey("bench", "svc-" + i);
    }

    /** Cluster IPs from 10.43.100.0 on, clear of the addresses the API server gives well-known Services. */
    private static Service service(int i) {
        String ip = "10.43." + (100 + i / 250) + "." + (i % 250 + 1);
        return new ServiceBuilder().withNewMetadata().withName("svc-" + i).endMetadata().withNewSpec().withClusterIP(ip)
            .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort().endSpec().build();
    }

    /** The Service's slice; generation g replaces its first endpoint's address. */
    private EndpointSlice slice(int i, int g) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName("svc-" + i + "-1")
            .addToLabels(ServiceChangeTracker.SERVICE_NAME_LABEL, "svc-" + i).endMetadata().withAddressType("IPv4")
            .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort();
        for (int e = 0; e < config.endpointsPerService(); e++) {
            int n = i * config.endpointsPerService() + e;
            String ip = e == 0 && g > 0 ? "10.45." + (g % 250) + "." + (i % 250 + 1)
                : "10.44." + (n / 250 % 250) + "." + (n % 250 + 1);
            b.addNewEndpoint().withAddresses(ip).withNodeName("node-" + (e % 3)).withNewConditions().withReady(true)
                .endConditions().endEndpoint();
        }
        return b.build();
    }

    private static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static KubernetesClient client(BenchServer server) throws IOException {
        io.fabric8.kubernetes.client.Config c = io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(server.kubeconfig()));
        c.setRequestTimeout(60_000);
        c.setMaxConcurrentRequests(256);
        c.setMaxConcurrentRequestsPerHost(256);
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + text);
    }
}
