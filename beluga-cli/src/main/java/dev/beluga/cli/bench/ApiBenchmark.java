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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 *   <li>LIST of all pods (10,000) latency;</li>
 *   <li>watch fan-out: N watchers of the pods of a namespace while pods are patched at a fixed rate; delivery latency
 *       from the patch being sent to each watcher reading the event, and events lost.</li>
 * </ol>
 * Every loop is bounded; all traffic is on loopback; the server process is ended by PID at the end.
 */
public final class ApiBenchmark {
    /**
     * @param warmup pods created (in another namespace, not measured) before the measured creates, so that the figures
     *               are those of a server whose hot paths are compiled, as any long-running server's are
     */
    /**
     * @param starts    how many times the first and the second start are measured (at least 1; each time in a new data
     *                  directory)
     * @param startOnly measure the starts only, not the load (creates, list, watch)
     */
    public record Config(int pods, int warmup, int clients, int listRuns, int watchers, int watchRate, int watchSeconds, Path work,
                         int starts, boolean startOnly) {
        public Config {
            if (starts < 1) throw new IllegalArgumentException("starts must be at least 1: " + starts);
        }

        public static Config defaults(Path work) {
            return new Config(10_000, 10_000, 32, 20, 1000, 500, 5, work, 1, false);
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
            results.put("watch", watch(server.dir, server.port));
            results.put("rss_after_mib", server.rssMib());
        } finally {
            server.close();
        }
        return report(results);
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

    private Map<String, Object> creates(AdminClient c, String ns, int pods) throws Exception {
        c.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
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
        out.printf("create pods (%s): %d with %d clients: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failed%n", ns, pods, config.clients(),
            pods / secs, all.percentileMs(0.5), all.percentileMs(0.99), failures.get());
        return m;
    }

    private Map<String, Object> lists(AdminClient c) throws Exception {
        Latencies l = new Latencies();
        int items = 0;
        for (int i = 0; i < config.listRuns() + 2; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = c.send("GET", "/api/v1/namespaces/bench/pods", null);
            long d = System.nanoTime() - s;
            if (i >= 2) l.add(d); // two warm-up runs
            items = countItems(r.body());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("p50_ms", l.percentileMs(0.5));
        m.put("p99_ms", l.percentileMs(0.99));
        out.printf("list %d pods: p50 %.1f ms, p99 %.1f ms%n", items, l.percentileMs(0.5), l.percentileMs(0.99));
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

    private Map<String, Object> watch(Path dir, int port) throws Exception {
        AdminClient writer = new AdminClient(dir, port, HttpClient.Version.HTTP_2);
        writer.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"watched\"}}");
        for (int i = 0; i < 10; i++) writer.send("POST", "/api/v1/namespaces/watched/pods", pod("watched", "w-" + i));
        String rv = writer.send("GET", "/api/v1/namespaces/watched/pods", null).body().replaceAll("(?s).*?\"resourceVersion\":\"(\\d+)\".*", "$1");
        int total = config.watchRate() * config.watchSeconds();
        Latencies lat = new Latencies();
        AtomicLong received = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        AtomicLong rewatches = new AtomicLong();
        CountDownLatch connected = new CountDownLatch(config.watchers());
        CountDownLatch done = new CountDownLatch(config.watchers());
        List<java.io.Closeable> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] rvKey = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] seqKey = "\"bench/seq\":\"".getBytes(StandardCharsets.US_ASCII);
        for (int w = 0; w < config.watchers(); w++) {
            Thread.ofVirtual().start(() -> {
                Latencies mine = new Latencies();
                try {
                    long[] lastPerPod = new long[10];
                    java.util.Arrays.fill(lastPerPod, -1);
                    long[] seen = {0};
                    String[] fromRv = {rv};
                    boolean first = true;
                    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.watchSeconds() + 60L);
                    // like an informer: when the server ends the stream (timeout, slow-consumer eviction), watch again
                    // from the last resourceVersion seen, so nothing is lost
                    while (seen[0] < total && System.nanoTime() < giveUp) {
                        ChunkedWatch watch;
                        try {
                            watch = new ChunkedWatch(writer.tls, "127.0.0.1", port, "/api/v1/namespaces/watched/pods?watch=true&resourceVersion="
                                + fromRv[0] + "&timeoutSeconds=" + (config.watchSeconds() + 30));
                        } catch (IOException e) {
                            if (first) throw e;
                            Thread.sleep(100);
                            continue;
                        }
                        streams.add(watch);
                        if (first) connected.countDown();
                        else rewatches.incrementAndGet();
                        first = false;
                        try (watch) {
                            watch.read((buf, off, len) -> {
                                int ri = ChunkedWatch.after(buf, off, len, rvKey);
                                if (ri >= 0) {
                                    int e = ri;
                                    while (buf[e] != '"') e++;
                                    fromRv[0] = new String(buf, ri, e - ri, StandardCharsets.US_ASCII);
                                }
                                int i = ChunkedWatch.after(buf, off, len, seqKey);
                                if (i < 0) return;
                                long seq = 0;
                                while (buf[i] != '-') seq = seq * 10 + (buf[i++] - '0');
                                i++;
                                long sentAt = 0;
                                while (buf[i] != '"') sentAt = sentAt * 10 + (buf[i++] - '0');
                                int pod = (int) (seq % 10);
                                if (seq <= lastPerPod[pod]) outOfOrder.incrementAndGet();
                                lastPerPod[pod] = seq;
                                mine.add(System.nanoTime() - sentAt);
                                received.incrementAndGet();
                                if (++seen[0] >= total) throw new Done();
                            });
                        } catch (Done d) {
                            break;
                        } catch (IOException e) {
                            // stream ended or broke: watch again from the last revision seen
                        }
                    }
                } catch (Exception e) {
                    connected.countDown();
                } finally {
                    lat.addAll(mine);
                    done.countDown();
                }
            });
        }
        connected.await(60, TimeUnit.SECONDS);
        Thread.sleep(500);
        // one writer thread per pod, each paced to its share of the rate, so every pod's changes are sent in order
        AtomicLong applied = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < 10; p++) {
            int pod = p;
            writers.add(Thread.ofVirtual().start(() -> {
                long period = 10_000_000_000L / config.watchRate();
                for (int k = 0; k < total / 10; k++) {
                    long due = start + k * period;
                    while (System.nanoTime() < due) LockSupport.parkNanos(Math.max(1000, due - System.nanoTime()));
                    long seq = (long) k * 10 + pod;
                    String patch = "{\"metadata\":{\"annotations\":{\"bench/seq\":\"" + seq + "-" + System.nanoTime() + "\"}}}";
                    HttpRequest req = HttpRequest.newBuilder(writer.base.resolve("/api/v1/namespaces/watched/pods/w-" + pod))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).header("Content-Type", "application/merge-patch+json").build();
                    try {
                        if (writer.http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) applied.incrementAndGet();
                    } catch (Exception e) {
                        // counted as not applied
                    }
                }
            }));
        }
        for (Thread t : writers) t.join();
        double writeSecs = (System.nanoTime() - start) / 1e9;
        boolean all = done.await(config.watchSeconds() + 60L, TimeUnit.SECONDS);
        for (java.io.Closeable s : streams) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        long expectedTotal = applied.get() * config.watchers();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("watchers", config.watchers());
        m.put("changes_per_s", config.watchRate());
        m.put("events_expected", expectedTotal);
        m.put("events_received", received.get());
        m.put("changes_applied", applied.get());
        m.put("achieved_changes_per_s", Math.round(applied.get() / writeSecs));
        m.put("out_of_order_per_object", outOfOrder.get());
        m.put("rewatches", rewatches.get());
        m.put("p50_ms", lat.percentileMs(0.5));
        m.put("p99_ms", lat.percentileMs(0.99));
        m.put("completed", all);
        out.printf("watch: %d watchers, %d changes/s for %d s: %d/%d events, p50 %.1f ms, p99 %.1f ms%n", config.watchers(),
            config.watchRate(), config.watchSeconds(), received.get(), expectedTotal, lat.percentileMs(0.5), lat.percentileMs(0.99));
        return m;
    }

    /** Ends a watcher's read loop once it has seen every change. */
    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }



}
