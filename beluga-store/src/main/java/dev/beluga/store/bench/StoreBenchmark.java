package dev.beluga.store.bench;

import dev.beluga.store.KeyRange;
import dev.beluga.store.KvStore;
import dev.beluga.store.Watch;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WatchListener;
import dev.beluga.store.StoreException;
import dev.beluga.store.embedded.EmbeddedStore;
import dev.beluga.store.etcd.EtcdLauncher;
import dev.beluga.store.etcd.EtcdStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code beluga bench store}: the embedded store and a local single-member etcd, same machine, same durability
 * (fsync before acknowledging), same workloads:
 * <ol>
 *   <li>put, 1 writer: sequential 1 KiB puts, latency percentiles and throughput;</li>
 *   <li>put, 16 writers: concurrent 1 KiB puts, throughput and latency;</li>
 *   <li>get, 16 readers: random point reads of existing keys;</li>
 *   <li>watch delivery: one watcher on a prefix, puts paced at about 1,000/s; latency from starting the put to the
 *       watcher receiving its event (so it includes the commit).</li>
 * </ol>
 * Prints a table and one {@code BENCH {json}} line. Every loop is bounded by count; nothing leaves loopback.
 */
public final class StoreBenchmark {
    public record Config(int restartKeys, int singleWriterPuts, int concurrentWriters, int putsPerWriter, int readers, int readsPerReader,
                         int watchEvents, int watchRatePerSecond, boolean includeEtcd, Path workDir) {
        public static Config defaults(Path workDir) {
            return new Config(100_000, 3000, 16, 2000, 16, 5000, 2000, 1000, true, workDir);
        }
    }

    private final Config config;
    private final PrintStream out;
    private final byte[] value = new byte[1024];

    public StoreBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
        new Random(42).nextBytes(value);
    }

    /** Runs everything; returns the figures (also printed). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Path base = Files.createTempDirectory(config.workDir(), "beluga-bench-store-");
        try {
            try (EmbeddedStore embedded = EmbeddedStore.open(base.resolve("embedded"))) {
                results.put("embedded", runAll(embedded));
            }
            ((Map<String, Object>) results.get("embedded")).put("restart", restart(base.resolve("restart")));
            if (config.includeEtcd()) {
                if (!EtcdLauncher.available()) {
                    out.println("etcd not installed (apt-get install etcd-server): skipping the etcd run");
                } else {
                    try (EtcdLauncher etcd = EtcdLauncher.start(1);
                         EtcdStore store = EtcdStore.connect(etcd.endpoints(), Duration.ofSeconds(30))) {
                        results.put("etcd", runAll(store));
                    }
                }
            }
        } finally {
            deleteTree(base);
        }
        printTable(results);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "store");
        line.put("value_bytes", value.length);
        line.put("results", results);
        if (results.get("etcd") instanceof Map<?, ?> e && results.get("embedded") instanceof Map<?, ?> m) {
            double ratio = (double) ((Map<?, ?>) m.get("put_16_writers")).get("ops_per_s")
                / (double) ((Map<?, ?>) e.get("put_16_writers")).get("ops_per_s");
            line.put("embedded_vs_etcd_16_writer_put_ratio", ratio);
        }
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return line;
    }

    /** Time to reopen an embedded store holding {@code restartKeys} keys of 1 KiB until it serves reads. */
    private Map<String, Object> restart(Path dir) {
        int n = config.restartKeys();
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pending.add(s.putAsync(("/registry/pods/ns" + (i % 50) + "/pod-" + i).getBytes(StandardCharsets.UTF_8), value));
                if (pending.size() == 4096) {
                    pending.forEach(java.util.concurrent.CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(java.util.concurrent.CompletableFuture::join);
        }
        long t0 = System.nanoTime();
        long keys;
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            keys = s.range(KeyRange.prefix("/registry/"), 0, 1, true).count();
            s.get("/registry/pods/ns7/pod-7".getBytes(StandardCharsets.UTF_8));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            out.printf("embedded restart with %d keys: ready in %d ms%n", keys, ms);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("keys", keys);
            m.put("ready_ms", ms);
            return m;
        }
    }

    private Map<String, Object> runAll(KvStore store) throws Exception {
        out.println("-- " + store.backendName());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("put_1_writer", puts(store, 1, config.singleWriterPuts(), "/bench/single/"));
        r.put("put_16_writers", puts(store, config.concurrentWriters(), config.putsPerWriter(), "/bench/multi/"));
        r.put("get_16_readers", gets(store));
        r.put("watch_delivery", watch(store));
        return r;
    }

    private Map<String, Object> puts(KvStore store, int threads, int each, String prefix) throws Exception {
        // warm-up outside the measurement
        for (int i = 0; i < 200; i++) store.put((prefix + "warm/" + i).getBytes(StandardCharsets.UTF_8), value);
        Latencies all = new Latencies();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                Latencies mine = new Latencies();
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        byte[] key = (prefix + id + "/" + i).getBytes(StandardCharsets.UTF_8);
                        long t0 = System.nanoTime();
                        store.put(key, value);
                        mine.add(System.nanoTime() - t0);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
                all.addAll(mine);
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : ts) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure[0] != null) throw new IllegalStateException("benchmark write failed", failure[0]);
        return stats(all, seconds);
    }

    private Map<String, Object> gets(KvStore store) throws Exception {
        int keys = config.singleWriterPuts();
        Latencies all = new Latencies();
        List<Thread> ts = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < config.readers(); t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(id);
                Latencies mine = new Latencies();
                try {
                    go.await();
                    for (int i = 0; i < config.readsPerReader(); i++) {
                        byte[] key = ("/bench/single/0/" + rnd.nextInt(keys)).getBytes(StandardCharsets.UTF_8);
                        long t0 = System.nanoTime();
                        if (store.get(key) == null) throw new IllegalStateException("missing key in read benchmark");
                        mine.add(System.nanoTime() - t0);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                all.addAll(mine);
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : ts) t.join();
        return stats(all, (System.nanoTime() - start) / 1e9);
    }

    private Map<String, Object> watch(KvStore store) throws Exception {
        int n = config.watchEvents();
        Latencies lat = new Latencies();
        CountDownLatch received = new CountDownLatch(n);
        long[] lost = {0};
        WatchListener listener = new WatchListener() {
            long expected;

            @Override
            public void onEvents(List<WatchEvent> events) {
                long now = System.nanoTime();
                for (WatchEvent e : events) {
                    ByteBuffer b = ByteBuffer.wrap(e.kv().value());
                    long seq = b.getLong();
                    long sent = b.getLong();
                    if (seq != expected) lost[0]++;
                    expected = seq + 1;
                    lat.add(now - sent);
                    received.countDown();
                }
            }

            @Override
            public void onError(StoreException error) {
                lost[0] = Long.MAX_VALUE;
                while (received.getCount() > 0) received.countDown();
            }
        };
        long periodNanos = 1_000_000_000L / config.watchRatePerSecond();
        try (Watch w = store.watch(KeyRange.prefix("/bench/watch/"), store.currentRevision(), listener)) {
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                while (System.nanoTime() < next) Thread.onSpinWait();
                next += periodNanos;
                byte[] v = value.clone();
                ByteBuffer.wrap(v).putLong(i).putLong(System.nanoTime());
                store.put(("/bench/watch/" + (i % 100)).getBytes(StandardCharsets.UTF_8), v);
            }
            if (!received.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("watch events missing");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", lat.count());
        m.put("out_of_order_or_lost", lost[0]);
        m.put("p50_ms", lat.percentileMs(0.50));
        m.put("p99_ms", lat.percentileMs(0.99));
        m.put("max_ms", lat.percentileMs(1.0));
        return m;
    }

    private static Map<String, Object> stats(Latencies l, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ops", l.count());
        m.put("ops_per_s", Math.round(l.count() / seconds * 10) / 10.0);
        m.put("p50_ms", l.percentileMs(0.50));
        m.put("p99_ms", l.percentileMs(0.99));
        return m;
    }

    private void printTable(Map<String, Object> results) {
        out.println();
        out.printf("%-10s %-16s %12s %10s %10s%n", "backend", "workload", "ops/s", "p50 ms", "p99 ms");
        for (Map.Entry<String, Object> b : results.entrySet()) {
            for (Map.Entry<?, ?> w : ((Map<?, ?>) b.getValue()).entrySet()) {
                Map<?, ?> f = (Map<?, ?>) w.getValue();
                if (f.containsKey("ready_ms")) {
                    out.printf("%-10s %-16s %s keys ready in %s ms%n", b.getKey(), w.getKey(), f.get("keys"), f.get("ready_ms"));
                    continue;
                }
                Object ops = f.containsKey("ops_per_s") ? f.get("ops_per_s") : "-";
                out.printf("%-10s %-16s %12s %10.3f %10.3f%n", b.getKey(), w.getKey(), ops, (Double) f.get("p50_ms"),
                    (Double) f.get("p99_ms"));
            }
        }
        out.println();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
