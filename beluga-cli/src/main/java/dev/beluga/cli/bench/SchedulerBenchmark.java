package dev.beluga.cli.bench;

import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import dev.beluga.scheduler.Scheduler;
import dev.beluga.scheduler.apiclient.SchedulerRunner;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import dev.beluga.scheduler.metrics.Histogram;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.MachineInfo;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Scheduler throughput, in the manner of upstream's {@code scheduler_perf}: for each workload a fresh
 * {@code beluga server} (embedded store, its own scheduler disabled), hollow nodes, the workload's initial pods
 * (already bound, as if scheduled earlier), then the measured pods created unbound; then Beluga's scheduler starts
 * (in this process, through the API like any scheduler) and the benchmark records how fast it binds them all.
 *
 * <p>Figures per workload: average throughput (measured pods / time from the scheduler's informers being synced to
 * the last successful bind, binding API calls included), the per-second throughput samples' p50, and the
 * scheduling attempt latency p50/p99 (pop to assume, from the scheduler's histogram, interpolated within buckets as
 * Prometheus' {@code histogram_quantile}), and the CPU time per pod over the same interval of the scheduling threads
 * (loop and filter helpers), of this whole process (informers and binding calls too) and of the server — the figures to
 * compare on a shared machine, where throughput follows the load. Pod creation is not timed: upstream's floors measure
 * scheduling too.
 */
public final class SchedulerBenchmark {
    /** One workload: nodes and pods like upstream's {@code performance-config.yaml} entries. */
    public record Workload(String name, int nodes, int initPods, int pods, double upstreamFloor, HollowNodeSpec nodeSpec,
                           PodTemplate initPod, PodTemplate pod) {
    }

    /**
     * @param warmupPods pods scheduled (and then deleted) by a first scheduler before the measured run, so that both
     *                   JVMs are past JIT compilation of the scheduling path, as a long-running server is (0: none)
     */
    public record Config(List<Workload> workloads, int warmupPods, Path work) {
    }

    private final Config config;
    private final PrintStream out;

    public SchedulerBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** The default workloads, scaled by {@code scale} (1.0 = upstream's sizes). */
    public static List<Workload> workloads(double scale, List<String> only) {
        int nodes = (int) Math.max(10, 5000 * scale);
        List<Workload> all = new ArrayList<>();
        HollowNodeSpec plain = HollowNodeSpec.of(nodes, "node").withFakeKubelet(false);
        all.add(new Workload("SchedulingBasic", nodes, (int) (1000 * scale), (int) (10000 * scale), 680, plain,
            PodTemplate.plain(), PodTemplate.plain()));
        all.add(new Workload("NodeAffinity", nodes, (int) (1000 * scale), (int) (5000 * scale), 220, plain,
            PodTemplate.plain(), PodTemplate.nodeAffinity()));
        all.add(new Workload("RequiredPodAntiAffinity", nodes, (int) (1000 * scale), (int) (1000 * scale), 60, plain,
            PodTemplate.antiAffinity(), PodTemplate.antiAffinity()));
        all.add(new Workload("TopologySpreading", nodes, (int) (1000 * scale), (int) (5000 * scale), 0, plain,
            PodTemplate.spread(), PodTemplate.spread()));
        int pNodes = (int) Math.max(10, 500 * scale);
        all.add(new Workload("Preemption", pNodes, pNodes * 4, pNodes, 0,
            HollowNodeSpec.of(pNodes, "node").withCapacity("4", "32Gi", 110).withFakeKubelet(true),
            PodTemplate.lowPriority(), PodTemplate.highPriority()));
        if (only == null || only.isEmpty()) return all;
        return all.stream().filter(w -> only.contains(w.name())).toList();
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        for (Workload w : config.workloads()) results.put(w.name(), run(w));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "scheduler");
        line.put("results", results);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return line;
    }

    private Map<String, Object> run(Workload w) throws Exception {
        try (BenchServer server = BenchServer.start(config.work(), "scheduler", List.of("--disable-scheduler", "--disable-controller-manager"));
             KubernetesClient client = client(server.kubeconfig())) {
            AdminClient admin = server.client();
            admin.send("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", "{\"metadata\":{\"name\":\"low\"},\"value\":10}");
            admin.send("POST", "/apis/scheduling.k8s.io/v1/priorityclasses", "{\"metadata\":{\"name\":\"high\"},\"value\":1000}");
            long t = System.nanoTime();
            try (HollowNodes nodes = new HollowNodes(client, w.nodeSpec())) {
                nodes.register();
                out.printf("%s: %d hollow nodes in %.1f s", w.name(), w.nodes(), (System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                if (config.warmupPods() > 0) warmUp(admin, client);
                t = System.nanoTime();
                create(admin, "default", w.initPods(), i -> w.initPod().json("init-" + i, w.nodeSpec().name(i % w.nodes())));
                create(admin, "default", w.pods(), i -> w.pod().json("pod-" + i, null));
                out.printf(", %d initial + %d pods created in %.1f s%n", w.initPods(), w.pods(), (System.nanoTime() - t) / 1e9);
                return measure(w, client, server.process.toHandle());
            }
        }
    }

    /** Schedules {@code warmupPods} small pods in namespace {@code warmup} with a first scheduler, then deletes them. */
    private void warmUp(AdminClient admin, KubernetesClient client) throws Exception {
        long t = System.nanoTime();
        admin.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"warmup\"}}");
        PodTemplate small = new PodTemplate("{\"app\":\"warmup\"}", "\"terminationGracePeriodSeconds\":0,"
            + PodTemplate.containers("1m", "1Mi"));
        create(admin, "warmup", config.warmupPods(), i -> small.json("warm-" + i, null));
        CompletableFuture<Scheduler> leading = new CompletableFuture<>();
        try (SchedulerRunner runner = new SchedulerRunner(client, SchedulerConfiguration.defaults(), "bench-warmup", false, leading::complete)) {
            runner.start();
            Scheduler s = leading.get(300, java.util.concurrent.TimeUnit.SECONDS);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
            while (s.metrics().scheduled.sum() < config.warmupPods()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("warm-up pods not bound within 300 s");
                Thread.sleep(20);
            }
        }
        var r = admin.send("DELETE", "/api/v1/namespaces/warmup/pods", null);
        if (r.statusCode() != 200) throw new IllegalStateException("deleting the warm-up pods answered " + r.statusCode() + ": " + r.body());
        out.printf(" (warm-up: %d pods scheduled and deleted in %.1f s)", config.warmupPods(), (System.nanoTime() - t) / 1e9);
    }

    private Map<String, Object> measure(Workload w, KubernetesClient client, ProcessHandle serverProcess) throws Exception {
        CompletableFuture<Scheduler> leading = new CompletableFuture<>();
        long[] syncedAt = new long[1];
        CpuMeter cpu = new CpuMeter("beluga-scheduler", serverProcess);
        try (SchedulerRunner runner = new SchedulerRunner(client, SchedulerConfiguration.defaults(), "bench", false, s -> {
            syncedAt[0] = System.nanoTime();
            cpu.start();
            leading.complete(s);
        })) {
            runner.start();
            Scheduler s = leading.get(300, java.util.concurrent.TimeUnit.SECONDS);
            long start = syncedAt[0];
            long deadline = start + java.util.concurrent.TimeUnit.SECONDS.toNanos(600);
            List<Long> perSecond = new ArrayList<>();
            long last = 0;
            long nextSample = start + 1_000_000_000L;
            long done;
            CpuMeter.Usage used;
            while (true) {
                long bound = s.metrics().scheduled.sum();
                long now = System.nanoTime();
                if (now >= nextSample) {
                    perSecond.add(bound - last);
                    last = bound;
                    nextSample += 1_000_000_000L;
                }
                if (bound >= w.pods()) {
                    done = now;
                    used = cpu.stop();
                    break;
                }
                if (now > deadline) throw new IllegalStateException(w.name() + ": only " + bound + "/" + w.pods() + " pods bound in 600 s");
                Thread.sleep(5);
            }
            double secs = (done - start) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", w.nodes());
            m.put("initial_pods", w.initPods());
            m.put("pods", w.pods());
            m.put("pods_per_s", Math.round(w.pods() / secs));
            m.put("per_second_p50", perSecond.isEmpty() ? w.pods() : percentile(perSecond, 0.5));
            m.put("attempt_p50_ms", round(quantile(s.metrics().attemptDuration, 0.5) * 1000));
            m.put("attempt_p99_ms", round(quantile(s.metrics().attemptDuration, 0.99) * 1000));
            m.put("unschedulable_attempts", s.metrics().unschedulable.sum());
            m.put("scheduling_threads_cpu_ms_per_pod", CpuMeter.Usage.perUnit(used.threadsNanos(), w.pods()));
            m.put("scheduler_process_cpu_ms_per_pod", CpuMeter.Usage.perUnit(used.processNanos(), w.pods()));
            m.put("server_cpu_ms_per_pod", CpuMeter.Usage.perUnit(used.otherNanos(), w.pods()));
            m.put("upstream_floor_pods_per_s", w.upstreamFloor());
            out.printf("%s: %d pods on %d nodes in %.2f s: %d pods/s (upstream floor %s), attempt p50 %.2f ms, p99 %.2f ms%n",
                w.name(), w.pods(), w.nodes(), secs, Math.round(w.pods() / secs),
                w.upstreamFloor() > 0 ? Math.round(w.upstreamFloor()) + " pods/s" : "none",
                quantile(s.metrics().attemptDuration, 0.5) * 1000, quantile(s.metrics().attemptDuration, 0.99) * 1000);
            out.printf("%s: CPU per pod: scheduling threads %.2f ms, scheduler process %.2f ms (informers, binding calls), server %.2f ms%n",
                w.name(), m.get("scheduling_threads_cpu_ms_per_pod"), m.get("scheduler_process_cpu_ms_per_pod"), m.get("server_cpu_ms_per_pod"));
            out.printf("%s: CPU ms per pod by thread, scheduler process: %s%n", w.name(), ThreadCpuBreakdown.describe(used.ownByThread(), w.pods()));
            out.printf("%s: CPU ms per pod by thread, server: %s%n", w.name(), ThreadCpuBreakdown.describe(used.otherByThread(), w.pods()));
            return m;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static long percentile(List<Long> v, double q) {
        List<Long> sorted = new ArrayList<>(v);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    /** Prometheus' {@code histogram_quantile}: linear interpolation inside the bucket holding the quantile. */
    static double quantile(Histogram h, double q) {
        long[] counts = h.bucketCounts();
        double[] bounds = h.bounds();
        long total = 0;
        for (long c : counts) total += c;
        if (total == 0) return 0;
        double rank = q * total;
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            if (cumulative + counts[i] >= rank) {
                if (i == bounds.length) return bounds[bounds.length - 1];
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * ((rank - cumulative) / Math.max(1, counts[i]));
            }
            cumulative += counts[i];
        }
        return bounds[bounds.length - 1];
    }

    /** Creates pods with 32 concurrent requests; fails if any create fails. */
    private static void create(AdminClient admin, String namespace, int count, IntFunction<String> json) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Exception> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 32; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < count && errors.isEmpty(); ) {
                    try {
                        var r = admin.send("POST", "/api/v1/namespaces/" + namespace + "/pods", json.apply(i));
                        if (r.statusCode() != 201) throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        if (!errors.isEmpty()) throw errors.getFirst();
    }

    /** The client {@code beluga server} gives its scheduler: the measured path is the product's. */
    private static KubernetesClient client(Path kubeconfig) throws Exception {
        return dev.beluga.cli.ControlPlaneComponents.client(kubeconfig);
    }

    /**
     * A pod manifest of a workload (upstream's {@code pod-default.yaml} and friends, as JSON): labels and the spec's
     * fields, without name and node.
     */
    record PodTemplate(String labels, String specFields) {
        /** The manifest of pod {@code name}, bound to {@code node} when it is not null. */
        String json(String name, String node) {
            return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels + "},\"spec\":{"
                + (node == null ? "" : "\"nodeName\":\"" + node + "\",") + specFields + "}}";
        }

        static String containers(String cpu, String memory) {
            return "\"containers\":[{\"name\":\"pause\",\"image\":\"registry.k8s.io/pause:3.10\",\"resources\":{\"requests\":{\"cpu\":\""
                + cpu + "\",\"memory\":\"" + memory + "\"},\"limits\":{\"cpu\":\"" + cpu + "\",\"memory\":\"" + memory + "\"}}}]";
        }

        static PodTemplate plain() {
            return new PodTemplate("{\"app\":\"bench\"}", containers("100m", "500Mi"));
        }

        static PodTemplate nodeAffinity() {
            return new PodTemplate("{\"app\":\"bench\"}", "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
                + "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"topology.kubernetes.io/zone\",\"operator\":\"In\","
                + "\"values\":[\"zone-0\",\"zone-1\"]}]}]}}}," + containers("100m", "500Mi"));
        }

        static PodTemplate antiAffinity() {
            return new PodTemplate("{\"color\":\"green\"}", "\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
                + "[{\"labelSelector\":{\"matchLabels\":{\"color\":\"green\"}},\"topologyKey\":\"kubernetes.io/hostname\"}]}},"
                + containers("100m", "500Mi"));
        }

        static PodTemplate spread() {
            return new PodTemplate("{\"app\":\"spread\"}", "\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":"
                + "\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":"
                + "{\"app\":\"spread\"}}}]," + containers("100m", "500Mi"));
        }

        static PodTemplate lowPriority() {
            return new PodTemplate("{\"app\":\"low\"}", "\"priorityClassName\":\"low\",\"terminationGracePeriodSeconds\":0,"
                + containers("900m", "500Mi"));
        }

        static PodTemplate highPriority() {
            return new PodTemplate("{\"app\":\"high\"}", "\"priorityClassName\":\"high\"," + containers("3", "500Mi"));
        }
    }
}
