package dev.beluga.cli.bench;

import dev.beluga.cli.ComponentSerialization;
import dev.beluga.controllers.BuiltinControllers;
import dev.beluga.controllers.runtime.ClientRateLimiter;
import dev.beluga.controllers.runtime.ControllerManager;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.Latencies;
import dev.beluga.store.bench.MachineInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The controller manager end to end, with the scheduler and hollow nodes (their fake kubelet marks bound pods Running
 * and Ready, like kwok): a fresh {@code beluga server} (embedded store, scheduler on, its controller manager off) and
 * Beluga's controller manager in this process, so it can also run with upstream's client-side limit (API QPS 20,
 * burst 30) for comparison.
 * <ol>
 *   <li>warm-up (not measured): a Deployment of {@code warmup} replicas scaled up and deleted;</li>
 *   <li>scale-up: a Deployment scaled 0 → N replicas, until N pods are ready (status.readyReplicas);</li>
 *   <li>rolling update of that Deployment (default 25%/25%) until it is complete as {@code kubectl rollout status}
 *       judges it;</li>
 *   <li>EndpointSlice latency: a Service over M ready pods; pods are made not ready one at a time (as a kubelet
 *       would report) and the time until a watch on the Service's EndpointSlices shows the endpoint not ready is
 *       recorded (p50/p99);</li>
 *   <li>namespace deletion: K ConfigMaps in a namespace, deleted with it, until the namespace is gone.</li>
 * </ol>
 * Every wait is bounded (10 minutes) and all traffic is on loopback.
 */
public final class ControllerBenchmark {
    /**
     * @param replicas    Deployment size for scale-up and rolling update
     * @param servicePods pods behind the Service
     * @param flips       readiness changes measured
     * @param bulk        objects in the deleted namespace
     * @param qps         client-side API QPS of the controller manager (0: unlimited, Beluga's default)
     * @param warmup      replicas of a Deployment scaled up and deleted first (JIT compilation and caches warm, as the
     *                    scheduler benchmark's warm-up; 0: none)
     */
    public record Config(int replicas, int servicePods, int flips, int bulk, double qps, int burst, int warmup, Path work) {
    }

    private static final Duration LIMIT = Duration.ofMinutes(10);
    /** How often the scale-up prints its progress (pods created and ready, from the Deployment's status). */
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();
    private final Config config;
    private final PrintStream out;

    public ControllerBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs the phases; prints a table and returns the figures. */
    public Map<String, Object> run() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("apiQps", config.qps() > 0 ? config.qps() : "unlimited");
        int nodes = Math.max(10, (Math.max(config.replicas(), config.servicePods()) * 2 + 99) / 100);
        try (BenchServer server = BenchServer.start(config.work(), "controllers", List.of("--disable-controller-manager"));
             KubernetesClient client = client(server.kubeconfig(), 0, 0);
             KubernetesClient cmClient = client(server.kubeconfig(), config.qps(), config.burst());
             HollowNodes hollow = new HollowNodes(client, HollowNodeSpec.of(nodes, "hollow").withFakeKubelet(true).withLeaseInterval(Duration.ofSeconds(10)))) {
            hollow.register();
            ControllerManager manager = new ControllerManager(cmClient, () -> BuiltinControllers.create(Set.of()), Clock.systemUTC(), "bench", false);
            manager.start();
            try {
                if (!manager.awaitRunning(Duration.ofSeconds(60))) throw new IllegalStateException("controller manager did not start");
                AdminClient admin = server.client();
                admin.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"bench\"}}");
                figures.put("nodes", nodes);
                if (config.warmup() > 0) warmUp(client);
                scaleAndRoll(server, client, figures);
                endpointLatency(client, figures);
                namespaceDeletion(admin, client, figures);
            } finally {
                manager.close();
            }
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "controllers");
        line.put("results", figures);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return figures;
    }

    private void scaleAndRoll(BenchServer server, KubernetesClient client, Map<String, Object> figures) throws Exception {
        int n = config.replicas();
        client.apps().deployments().inNamespace("bench").resource(Workloads.deployment("scale", 0, "v1")).create();
        CpuMeter cpu = new CpuMeter("workqueue-", server.process.toHandle());
        cpu.start();
        long t0 = System.nanoTime();
        client.apps().deployments().inNamespace("bench").withName("scale")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + n + "}}");
        long start = t0;
        long[] nextReport = {t0 + PROGRESS_EVERY_NANOS};
        await("scale-up", () -> {
            var d = client.apps().deployments().inNamespace("bench").withName("scale").get();
            var s = d.getStatus();
            long now = System.nanoTime();
            if (now >= nextReport[0] && s != null) {
                nextReport[0] = now + PROGRESS_EVERY_NANOS;
                out.printf("  %5.1f s: %,d pods created, %,d ready%n", (now - start) / 1e9, orZero(s.getReplicas()), orZero(s.getReadyReplicas()));
            }
            return s != null && eq(s.getReadyReplicas(), n);
        });
        double scaleUp = (System.nanoTime() - t0) / 1e9;
        out.printf("scale-up 0 -> %,d ready pods:           %8.1f s%n", n, scaleUp);
        figures.put("scaleUpSeconds", round(scaleUp));
        figures.put("scaleUpReplicas", n);
        // CPU is the budget on 2 cores: where the scale-up spent it, per 1,000 pods (CPU milliseconds per pod = seconds per 1,000)
        CpuMeter.Usage used = cpu.stop();
        double serverCpu = CpuMeter.Usage.perUnit(used.otherNanos(), n);
        double ownCpu = CpuMeter.Usage.perUnit(used.processNanos(), n);
        out.printf("  CPU per 1,000 pods: API server + scheduler %.1f s, controller manager + hollow kubelets %.1f s%n", serverCpu, ownCpu);
        out.printf("  CPU ms per pod by thread, controller manager + hollow kubelets: %s%n", ThreadCpuBreakdown.describe(used.ownByThread(), n));
        out.printf("  CPU ms per pod by thread, API server + scheduler: %s%n", ThreadCpuBreakdown.describe(used.otherByThread(), n));
        figures.put("scaleUpServerCpuSecondsPer1000Pods", round(serverCpu));
        figures.put("scaleUpBenchCpuSecondsPer1000Pods", round(ownCpu));

        t0 = System.nanoTime();
        client.apps().deployments().inNamespace("bench").withName("scale").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"bench/version\":\"v2\"}}}}}");
        await("rolling update", () -> {
            var d = client.apps().deployments().inNamespace("bench").withName("scale").get();
            var s = d.getStatus();
            return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration()
                && eq(s.getUpdatedReplicas(), n) && eq(s.getReplicas(), n) && eq(s.getAvailableReplicas(), n) && eq(s.getReadyReplicas(), n);
        });
        double roll = (System.nanoTime() - t0) / 1e9;
        out.printf("rolling update of %,d replicas:         %8.1f s%n", n, roll);
        figures.put("rollingUpdateSeconds", round(roll));
        client.apps().deployments().inNamespace("bench").withName("scale").delete();
        // the next phase measures latency: let the garbage collector and the kubelets finish these pods first
        await("scale-down of the deleted Deployment", () -> client.pods().inNamespace("bench").withLabel("app", "scale").list().getItems().isEmpty());
    }

    /** Scales a Deployment to {@code warmup} ready replicas and deletes it, waiting until its pods are gone. */
    private void warmUp(KubernetesClient client) throws Exception {
        int n = config.warmup();
        client.apps().deployments().inNamespace("bench").resource(Workloads.deployment("warmup", n, "v1")).create();
        await("warm-up", () -> {
            var s = client.apps().deployments().inNamespace("bench").withName("warmup").get().getStatus();
            return s != null && eq(s.getReadyReplicas(), n);
        });
        client.apps().deployments().inNamespace("bench").withName("warmup").delete();
        await("warm-up clean-up", () -> client.pods().inNamespace("bench").withLabel("app", "warmup").list().getItems().isEmpty());
        out.printf("(warm-up: %,d replicas scaled up and deleted, not counted)%n", n);
    }

    private void endpointLatency(KubernetesClient client, Map<String, Object> figures) throws Exception {
        int m = config.servicePods();
        client.apps().deployments().inNamespace("bench").resource(Workloads.deployment("web", m, "v1")).create();
        client.services().inNamespace("bench").resource(Workloads.service("web")).create();
        await("service endpoints", () -> readyEndpoints(client) == m);
        Map<String, Long> pending = new ConcurrentHashMap<>();
        Latencies latencies = new Latencies();
        Watch watch = client.discovery().v1().endpointSlices().inNamespace("bench").withLabel("kubernetes.io/service-name", "web")
            .watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, EndpointSlice slice) {
                    long now = System.nanoTime();
                    if (slice.getEndpoints() == null) return;
                    for (Endpoint e : slice.getEndpoints()) {
                        if (e.getTargetRef() == null || e.getConditions() == null || Boolean.TRUE.equals(e.getConditions().getReady())) continue;
                        Long sent = pending.remove(e.getTargetRef().getName());
                        if (sent != null) latencies.add(now - sent);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
        try {
            List<Pod> pods = client.pods().inNamespace("bench").withLabel("app", "web").list().getItems();
            int flips = Math.min(config.flips(), pods.size());
            for (int i = 0; i < flips; i++) {
                Pod p = pods.get(i);
                String now = Instant.now().toString();
                String patch = "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"lastTransitionTime\":\"" + now + "\"},"
                    + "{\"type\":\"ContainersReady\",\"status\":\"False\",\"lastTransitionTime\":\"" + now + "\"}]}}";
                pending.put(p.getMetadata().getName(), System.nanoTime());
                client.pods().resource(p).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
                Thread.sleep(20); // 50 changes/s: a steady stream, not one burst
            }
            await("endpoint updates", pending::isEmpty);
        } finally {
            watch.close();
        }
        out.printf("EndpointSlice update after readiness change (%d changes, %,d pods): p50 %.1f ms, p99 %.1f ms%n",
            latencies.count(), m, latencies.percentileMs(0.50), latencies.percentileMs(0.99));
        figures.put("endpointPods", m);
        figures.put("endpointUpdateP50Ms", round(latencies.percentileMs(0.50)));
        figures.put("endpointUpdateP99Ms", round(latencies.percentileMs(0.99)));
    }

    private static int readyEndpoints(KubernetesClient client) {
        int ready = 0;
        for (EndpointSlice s : client.discovery().v1().endpointSlices().inNamespace("bench").withLabel("kubernetes.io/service-name", "web").list().getItems())
            if (s.getEndpoints() != null)
                for (Endpoint e : s.getEndpoints()) if (e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())) ready++;
        return ready;
    }

    private void namespaceDeletion(AdminClient admin, KubernetesClient client, Map<String, Object> figures) throws Exception {
        int k = config.bulk();
        admin.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"bulk\"}}");
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Exception> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 32; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < k && errors.isEmpty(); ) {
                    try {
                        var r = admin.send("POST", "/api/v1/namespaces/bulk/configmaps",
                            "{\"metadata\":{\"name\":\"cm-" + i + "\"},\"data\":{\"k\":\"v\"}}");
                        if (r.statusCode() != 201) throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        if (!errors.isEmpty()) throw errors.getFirst();
        long t0 = System.nanoTime();
        client.namespaces().withName("bulk").delete();
        await("namespace deletion", () -> client.namespaces().withName("bulk").get() == null);
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf("namespace with %,d objects deleted:      %8.1f s%n", k, s);
        figures.put("namespaceObjects", k);
        figures.put("namespaceDeletionSeconds", round(s));
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static boolean eq(Integer v, int n) {
        return v != null && v == n;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (done.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(what + " did not finish within " + LIMIT);
    }

    private static KubernetesClient client(Path kubeconfig, double qps, int burst) throws Exception {
        io.fabric8.kubernetes.client.Config c = io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig));
        dev.beluga.cli.ControlPlaneComponents.unlimited(c);
        KubernetesClientBuilder b = new KubernetesClientBuilder().withConfig(c).withKubernetesSerialization(ComponentSerialization.INSTANCE);
        if (qps > 0) {
            ClientRateLimiter limiter = new ClientRateLimiter(qps, burst);
            b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("beluga-qps", limiter));
        }
        return b.build();
    }
}
