package dev.beluga.cli.bench;

import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.Latencies;
import dev.beluga.store.bench.MachineInfo;

import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code beluga bench api}: starts a real {@code beluga server} process (embedded store) and measures, over HTTPS
 * with the admin certificate:
 * <ol>
 *   <li>start to {@code /readyz} ok, on a first start (CA, certificates and bootstrap objects created) and on a second
 *       start of the same data directory (everything loaded), {@code starts} times each; resident memory when idle;</li>
 *   <li>pod creates/s from 32 concurrent clients, with latency percentiles;</li>
 *   <li>LIST of all pods (10,000) latency (see {@link #lists});</li>
 *   <li>the same creates in a namespace with a ResourceQuota (each create charged to it; see {@link #quotaCreates});</li>
 *   <li>watch fan-out: N watchers of the pods of a namespace (one HTTP/1.1 watch each for the whole run) while pods
 *       are patched at a fixed rate; delivery latency from the patch being sent to each watcher reading the event,
 *       events lost, and the server's and the benchmark's CPU time per 1,000 events delivered.</li>
 * </ol>
 * Every loop is bounded; all traffic is on loopback; the server process is ended by PID at the end.
 */
public final class ApiBenchmark {
    /**
     * What the benchmark runs.
     *
     * @param warmup             pods created (in another namespace, not measured) before the measured creates, so that
     *                           the figures are those of a server whose hot paths are compiled, as any long-running
     *                           server's are
     * @param watchWarmupSeconds length of a first watch fan-out run (in its own namespace, printed but not counted), so
     *                           that the measured run meets compiled delivery paths in the server and the benchmark, as
     *                           a long-running server's watchers do (0: none)
     * @param starts             how many times the first and the second start are measured (at least 1; each time in a
     *                           new data directory)
     * @param startOnly          measure the starts only, not the load (creates, list, watch)
     * @param idleSeconds        how long a whole server (scheduler and controllers on, no node agent) is left idle after
     *                           its start while its resident memory is read every {@link #IDLE_SAMPLE_SECONDS} s (0: not
     *                           measured)
     */
    public record Config(int pods, int warmup, int clients, int listRuns, int watchers, int watchRate, int watchSeconds,
                         int watchWarmupSeconds, Path work, int starts, boolean startOnly, int idleSeconds) {
        public Config {
            if (starts < 1) throw new IllegalArgumentException("starts must be at least 1: " + starts);
        }

        public static Config defaults(Path work) {
            return new Config(10_000, 10_000, 32, 20, 1000, 500, 5, 5, work, 1, false, 0);
        }
    }

    private final Config config;
    private final PrintStream out;

    public ApiBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        StartFigures first = new StartFigures();
        StartFigures second = new StartFigures();
        List<String> args = List.of("--disable-scheduler", "--disable-controller-manager");
        for (int i = 1; i < config.starts(); i++) {
            try (BenchServer server = BenchServer.start(config.work(), "api", args)) {
                first.add(server);
                try (BenchServer again = server.restart()) {
                    second.add(again);
                }
            }
        }
        BenchServer server = BenchServer.start(config.work(), "api", args);
        try {
            first.add(server);
            server = server.restart();
            second.add(server);
            results.put("start_to_readyz_ms", first.readyMillis.getFirst());
            results.put("start_to_readyz_first_ms", first.readyMillis);
            results.put("start_to_readyz_second_ms", second.readyMillis);
            results.put("start_cpu_to_readyz_first_ms", first.cpuMillis);
            results.put("start_cpu_to_readyz_second_ms", second.cpuMillis);
            results.put("start_idle_rss_first_mib", first.idleRssMib);
            results.put("start_idle_rss_second_mib", second.idleRssMib);
            out.printf("server ready (/readyz ok) after the process started: first start (CA created) %s ms, second start %s ms%n",
                first.readyMillis, second.readyMillis);
            out.printf("  server CPU (user + system) to ready: first start %s ms, second start %s ms%n", first.cpuMillis, second.cpuMillis);
            out.printf("  server CPU to ready by thread, last second start (ms): %s%n", server.readyCpuByThread);
            out.printf("  idle RSS %d s after ready: first start %s MiB, second start %s MiB%n", StartFigures.IDLE_WAIT_MILLIS / 1000,
                first.idleRssMib, second.idleRssMib);
            if (config.idleSeconds() > 0) idle(results);
            if (config.startOnly()) return report(results);
            AdminClient client = server.client();
            results.put("idle_rss_mib", second.idleRssMib.getLast());
            if (config.warmup() > 0) {
                Map<String, Object> w = creates(client, "warmup", config.warmup());
                out.printf("(warm-up: %d creates not counted)%n", config.warmup());
                results.put("warmup_creates", w.get("pods"));
            }
            results.put("create_pods", creates(client, "bench", config.pods()));
            results.put("list_pods", lists(client));
            results.put("create_pods_with_quota", quotaCreates(client, "quota", config.pods()));
            if (config.watchWarmupSeconds() > 0) {
                Map<String, Object> w = watch(server, "watch-warmup", config.watchWarmupSeconds(), "watch (warm-up, not counted)");
                results.put("watch_warmup", Map.of("p99_ms", w.get("p99_ms"), "achieved_changes_per_s", w.get("achieved_changes_per_s")));
            }
            results.put("watch", watch(server, "watched", config.watchSeconds(), "watch"));
            results.put("rss_after_mib", server.rssMib());
        } finally {
            server.close();
        }
        return report(results);
    }

    static final int IDLE_SAMPLE_SECONDS = 30;

    /**
     * Resident memory of a whole idle server over {@link Config#idleSeconds}: what a user's {@code beluga server
     * --disable-agent} holds while nothing is asked of it (its own leases, controllers' resyncs and metrics go on).
     */
    private void idle(Map<String, Object> results) throws Exception {
        List<Long> samples = new ArrayList<>();
        try (BenchServer whole = BenchServer.start(config.work(), "idle", List.of())) {
            for (int waited = 0; waited < config.idleSeconds(); ) {
                int step = Math.min(IDLE_SAMPLE_SECONDS, config.idleSeconds() - waited);
                Thread.sleep(step * 1000L);
                waited += step;
                samples.add(whole.rssMib());
            }
        }
        out.printf("  idle RSS of a whole server (scheduler, controllers; no agent) every %d s for %d s: %s MiB%n",
            IDLE_SAMPLE_SECONDS, config.idleSeconds(), samples);
        results.put("idle_whole_server_rss_samples_mib", samples);
        results.put("idle_whole_server_rss_mib", samples.getLast());
    }

    /**
     * The figures of the first or of the second starts: time and server CPU to ready, and resident memory
     * {@link #IDLE_WAIT_MILLIS} after ready (nothing asked of the server meanwhile), one element per start.
     */
    private static final class StartFigures {
        static final long IDLE_WAIT_MILLIS = 2000;
        final List<Long> readyMillis = new ArrayList<>();
        final List<Long> cpuMillis = new ArrayList<>();
        final List<Long> idleRssMib = new ArrayList<>();

        /** Records a server that just became ready; waits {@link #IDLE_WAIT_MILLIS} to read its idle memory. */
        void add(BenchServer server) throws InterruptedException {
            readyMillis.add(server.readyMillis);
            cpuMillis.add(server.readyCpuMillis);
            Thread.sleep(IDLE_WAIT_MILLIS);
            idleRssMib.add(server.rssMib());
        }
    }

    private Map<String, Object> report(Map<String, Object> results) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "api");
        line.put("results", results);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return line;
    }

    private static String pod(String ns, String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
            + "\",\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.35\","
            + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}";
    }

    /**
     * The creates again in a namespace with a ResourceQuota limiting pods, CPU and memory requests (high enough for
     * all): every create is then charged to the quota by a compare-and-swap of its status. Checks that the quota's
     * {@code status.used} counts exactly the pods created.
     */
    private Map<String, Object> quotaCreates(AdminClient c, String ns, int pods) throws Exception {
        c.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
        int code = c.send("POST", "/api/v1/namespaces/" + ns + "/resourcequotas", "{\"metadata\":{\"name\":\"bench\"},"
            + "\"spec\":{\"hard\":{\"pods\":\"1000000\",\"requests.cpu\":\"100k\",\"requests.memory\":\"1Pi\"}}}").statusCode();
        if (code != 201) throw new IllegalStateException("creating the ResourceQuota answered " + code);
        Map<String, Object> m = creates(c, ns, pods, "with a ResourceQuota");
        String body = c.send("GET", "/api/v1/namespaces/" + ns + "/resourcequotas/bench", null).body();
        String used = body.replaceAll("(?s).*\"used\":\\{[^}]*?\"pods\":\"([^\"]+)\".*", "$1");
        dev.beluga.api.quota.Amount counted = dev.beluga.api.quota.Amount.parseOrNull(used);
        m.put("quota_used_pods", counted == null ? -1 : counted.value().longValue());
        out.printf("  the quota's status.used counts %s pods (%d created)%n", counted == null ? "?" : counted.value().toPlainString(), pods);
        return m;
    }

    private Map<String, Object> creates(AdminClient c, String ns, int pods) throws Exception {
        c.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
        return creates(c, ns, pods, ns);
    }

    private Map<String, Object> creates(AdminClient c, String ns, int pods, String label) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Latencies all = new Latencies();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < config.clients(); t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                Latencies mine = new Latencies();
                int i;
                while ((i = next.getAndIncrement()) < pods) {
                    long s = System.nanoTime();
                    try {
                        if (c.send("POST", "/api/v1/namespaces/" + ns + "/pods", pod(ns, "p-" + i)).statusCode() != 201) failures.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    mine.add(System.nanoTime() - s);
                }
                all.addAll(mine);
            }));
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - start) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pods", pods);
        m.put("clients", config.clients());
        m.put("per_s", Math.round(pods / secs));
        m.put("p50_ms", all.percentileMs(0.5));
        m.put("p99_ms", all.percentileMs(0.99));
        m.put("failures", failures.get());
        out.printf("create pods (%s): %d with %d clients: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failed%n", label, pods, config.clients(),
            pods / secs, all.percentileMs(0.5), all.percentileMs(0.99), failures.get());
        return m;
    }

    /**
     * LIST of the bench namespace's pods, {@link Config#listRuns} times after two warm-up lists, by two clients in turn:
     * {@link CountingGet} (HTTP/1.1, one kept-alive TLS connection, the body counted as it arrives and never held: the
     * server's latency with a client that costs the machine little) gives the figure; the JDK's {@code HttpClient}
     * (HTTP/2, the body as a String, as the benchmark measured it until session 16) is printed beside it, since on 2
     * shared cores its own collections and copies are part of what it sees.
     */
    private Map<String, Object> lists(AdminClient c) throws Exception {
        String path = "/api/v1/namespaces/bench/pods";
        byte[] pod = "\"kind\":\"Pod\"".getBytes(StandardCharsets.US_ASCII);
        Latencies lean = new Latencies();
        int items = 0;
        long bytes = 0;
        try (CountingGet get = new CountingGet(c.http.sslContext().getSocketFactory(),
            new java.net.InetSocketAddress("127.0.0.1", c.base.getPort()))) {
            for (int i = 0; i < config.listRuns() + 2; i++) {
                long s = System.nanoTime();
                CountingGet.Response r = get.get(path, pod);
                long d = System.nanoTime() - s;
                if (r.status() != 200) throw new IllegalStateException("LIST answered " + r.status());
                if (i >= 2) lean.add(d); // two warm-up runs
                items = r.matches();
                bytes = r.bytes();
            }
        }
        Latencies jdk = new Latencies();
        for (int i = 0; i < config.listRuns() + 2; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = c.send("GET", path, null);
            long d = System.nanoTime() - s;
            if (i >= 2) jdk.add(d);
            if (countItems(r.body()) != items) throw new IllegalStateException("the two clients listed different numbers of pods");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("bytes", bytes);
        m.put("p50_ms", lean.percentileMs(0.5));
        m.put("p99_ms", lean.percentileMs(0.99));
        m.put("jdk_httpclient_p50_ms", jdk.percentileMs(0.5));
        m.put("jdk_httpclient_p99_ms", jdk.percentileMs(0.99));
        out.printf("list %d pods (%.1f MB, HTTP/1.1, body counted as read): p50 %.1f ms, p99 %.1f ms;"
                + " with the JDK HttpClient (HTTP/2, body as a String): p50 %.1f ms, p99 %.1f ms%n",
            items, bytes / 1e6, lean.percentileMs(0.5), lean.percentileMs(0.99), jdk.percentileMs(0.5), jdk.percentileMs(0.99));
        return m;
    }

    private static int countItems(String body) {
        int n = 0;
        int i = 0;
        while ((i = body.indexOf("\"kind\":\"Pod\"", i)) >= 0) {
            n++;
            i++;
        }
        return n;
    }

    /**
     * Pods of the watched namespace, each patched by its own writer thread in order: the changes of one pod arrive in
     * order at every watcher, and a writer may take up to {@code WATCHED_PODS / rate} seconds per PATCH before the
     * requested rate is out of its reach (100 ms at 500 changes/s).
     */
    private static final int WATCHED_PODS = 50;

    /**
     * One watch fan-out run: {@link Config#watchers} watchers of namespace {@code ns} (created here with its pods) for
     * {@code seconds} of changes at {@link Config#watchRate}; prints two lines starting with {@code label}.
     */
    private Map<String, Object> watch(BenchServer server, String ns, int seconds, String label) throws Exception {
        AdminClient writer = new AdminClient(server.dir, server.port, HttpClient.Version.HTTP_2);
        writer.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
        for (int i = 0; i < WATCHED_PODS; i++) writer.send("POST", "/api/v1/namespaces/" + ns + "/pods", pod(ns, "w-" + i));
        String rv = writer.send("GET", "/api/v1/namespaces/" + ns + "/pods", null).body().replaceAll("(?s).*?\"resourceVersion\":\"(\\d+)\".*", "$1");
        int perPod = Math.max(1, config.watchRate() * seconds / WATCHED_PODS);
        int total = perPod * WATCHED_PODS;
        String path = "/api/v1/namespaces/" + ns + "/pods?watch=true&resourceVersion=" + rv + "&timeoutSeconds=" + (seconds + 120);
        java.net.InetSocketAddress address = new java.net.InetSocketAddress("127.0.0.1", server.port);
        WatchFleet fleet = new WatchFleet(writer.tls, address, path, config.watchers(), WATCHED_PODS, total);
        try {
            Thread.sleep(500);
            CpuMeter cpu = new CpuMeter("beluga-bench-none", server.process.toHandle()); // process figures only: no thread group
            cpu.start();
            // one writer thread per pod, each paced to its share of the rate, so every pod's changes are sent in order
            AtomicLong applied = new AtomicLong();
            Latencies patchLatency = new Latencies();
            List<Thread> writers = new ArrayList<>();
            long start = System.nanoTime();
            long period = (long) (1e9 * WATCHED_PODS / config.watchRate());
            for (int p = 0; p < WATCHED_PODS; p++) {
                int pod = p;
                // platform threads: the writers are not queued behind the 1,000 watchers' virtual threads of this process
                writers.add(Thread.ofPlatform().name("bench-writer-" + pod).start(() -> {
                    Latencies mine = new Latencies();
                    for (int k = 0; k < perPod; k++) {
                        long due = start + k * period + pod * period / WATCHED_PODS;
                        while (System.nanoTime() < due) LockSupport.parkNanos(Math.max(1000, due - System.nanoTime()));
                        long seq = (long) k * WATCHED_PODS + pod;
                        long sent = System.nanoTime();
                        String patch = "{\"metadata\":{\"annotations\":{\"bench/seq\":\"" + seq + "-" + sent + "\"}}}";
                        HttpRequest req = HttpRequest.newBuilder(writer.base.resolve("/api/v1/namespaces/" + ns + "/pods/w-" + pod))
                            .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).header("Content-Type", "application/merge-patch+json").build();
                        try {
                            if (writer.http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) applied.incrementAndGet();
                        } catch (Exception e) {
                            // counted as not applied
                        }
                        mine.add(System.nanoTime() - sent);
                    }
                    patchLatency.addAll(mine);
                }));
            }
            for (Thread t : writers) t.join();
            double writeSecs = (System.nanoTime() - start) / 1e9;
            boolean all = fleet.awaitDone(30); // more only if changes were lost or a PATCH failed
            CpuMeter.Usage used = cpu.stop();
            fleet.close(); // streams still open (changes lost) end as closed, and their watchers add their figures
            WatchTally tally = fleet.tally();
            long expectedTotal = applied.get() * config.watchers();
            long received = tally.received();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("watchers", config.watchers());
            m.put("changes_per_s", config.watchRate());
            m.put("writers", WATCHED_PODS);
            m.put("events_expected", expectedTotal);
            m.put("events_received", received);
            m.put("changes_applied", applied.get());
            m.put("achieved_changes_per_s", Math.round(applied.get() / writeSecs));
            m.put("patch_p50_ms", patchLatency.percentileMs(0.5));
            m.put("patch_p99_ms", patchLatency.percentileMs(0.99));
            m.put("out_of_order_per_object", tally.outOfOrder());
            m.put("event_bytes_avg", tally.averageEventBytes());
            m.put("streams_ended_early", fleet.endedEarly());
            m.put("watches_failed", fleet.failedToConnect());
            m.put("p50_ms", tally.percentileMs(0.5));
            m.put("p99_ms", tally.percentileMs(0.99));
            m.put("completed", all);
            m.put("server_cpu_ms_per_1000_events", CpuMeter.Usage.perUnit(used.otherNanos() * 1000, received));
            m.put("bench_cpu_ms_per_1000_events", CpuMeter.Usage.perUnit(used.processNanos() * 1000, received));
            m.put("server_cpu_by_thread_ms", used.otherByThread());
            out.printf("%s: %d watchers, %d changes/s requested for %d s from %d writers: %d applied (%.0f/s, PATCH p50 %.1f ms, p99 %.1f ms);"
                    + " %d/%d events (%d bytes on average), p50 %.1f ms, p99 %.1f ms, %d out of order, %d streams ended early%n",
                label, config.watchers(), config.watchRate(), seconds, WATCHED_PODS, applied.get(), applied.get() / writeSecs,
                patchLatency.percentileMs(0.5), patchLatency.percentileMs(0.99), received, expectedTotal, tally.averageEventBytes(),
                tally.percentileMs(0.5), tally.percentileMs(0.99), tally.outOfOrder(), fleet.endedEarly());
            out.printf("%s: CPU per 1,000 events delivered: server %.2f ms, benchmark (writers and watchers) %.2f ms; server by thread: %s%n",
                label, CpuMeter.Usage.perUnit(used.otherNanos() * 1000, received), CpuMeter.Usage.perUnit(used.processNanos() * 1000, received),
                ThreadCpuBreakdown.describe(used.otherByThread(), Math.max(1, received / 1000)));
            return m;
        } finally {
            fleet.close(); // idempotent: also when the run failed half-way, so that its reader threads end
        }
    }
}
