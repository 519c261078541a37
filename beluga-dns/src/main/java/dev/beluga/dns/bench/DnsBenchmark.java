package dev.beluga.dns.bench;

import dev.beluga.dns.ClusterDnsServer;
import dev.beluga.dns.ClusterIndex;
import dev.beluga.dns.DnsConfig;
import dev.beluga.store.bench.Json;
import dev.beluga.store.bench.MachineInfo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code beluga bench dns}: a {@link ClusterDnsServer} on 127.0.0.1 (random port, no upstreams) serving 1,000 services
 * and 10,000 endpoints fed through the index, and a UDP load generator in the same process asking a mix of cluster names
 * (see {@link BenchCluster#questions}) with a few senders and a window of outstanding queries each. A warm-up pass fills
 * the caches and the JIT; the measured pass is bounded by a query count and a time limit. Prints throughput, latency
 * percentiles and one {@code BENCH {json}} line. A second pass repeats the measurement while one EndpointSlice changes
 * {@code churnPerSecond} times a second, as in a cluster where pods come and go: every change invalidates the response
 * cache, so it shows the uncached path too. Nothing leaves loopback.
 */
public final class DnsBenchmark {
    /**
     * @param services            services in the cluster (one in five headless)
     * @param endpointsPerService ready endpoints per service
     * @param queries             queries in the measured pass
     * @param warmupQueries       queries before it, not counted
     * @param maxDuration         time bound of each pass
     * @param senders             load generator threads (each its own socket)
     * @param window              outstanding queries per sender
     * @param udpWorkers          the server's UDP threads
     * @param churnPerSecond      EndpointSlice changes per second in the second pass (0: no second pass)
     */
    public record Config(int services, int endpointsPerService, int queries, int warmupQueries, Duration maxDuration, int senders,
                         int window, int udpWorkers, int churnPerSecond) {
        public static Config defaults() {
            return new Config(1000, 10, 300_000, 50_000, Duration.ofSeconds(60), 4, 8, 2, 100);
        }
    }

    private final Config config;
    private final PrintStream out;

    public DnsBenchmark(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Config d = Config.defaults();
        int queries = args.length > 0 ? Integer.parseInt(args[0]) : d.queries();
        new DnsBenchmark(new Config(d.services(), d.endpointsPerService(), queries, d.warmupQueries(), d.maxDuration(), d.senders(),
            d.window(), d.udpWorkers(), d.churnPerSecond()), System.out).run();
    }

    /** Runs the benchmark; returns the figures (also printed). */
    public Map<String, Object> run() throws Exception {
        ClusterIndex index = new ClusterIndex();
        long t0 = System.nanoTime();
        BenchCluster.feed(index, config.services(), config.endpointsPerService());
        long feedMs = (System.nanoTime() - t0) / 1_000_000;
        out.printf("index: %d services, %d endpoints fed in %d ms%n", config.services(), config.services() * config.endpointsPerService(), feedMs);
        List<BenchCluster.Question> questions = BenchCluster.questions(20_000, config.services(), config.endpointsPerService(), 42);
        DnsConfig dns = DnsConfig.of(InetAddress.getLoopbackAddress(), 0).withUpstreams(List.of()).withUdpWorkers(config.udpWorkers());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("services", config.services());
        results.put("endpoints", config.services() * config.endpointsPerService());
        results.put("index_feed_ms", feedMs);
        results.put("senders", config.senders());
        results.put("window_per_sender", config.window());
        results.put("server_udp_workers", config.udpWorkers());
        try (ClusterDnsServer server = new ClusterDnsServer(dns, index).start()) {
            UdpLoadGenerator load = new UdpLoadGenerator(server.address(), questions, config.senders(), config.window());
            UdpLoadGenerator.Result warm = load.run(config.warmupQueries(), config.maxDuration().toNanos());
            out.printf("warm-up: %d queries, %.0f/s (not counted)%n", warm.answered(), warm.perSecond());
            results.putAll(measuredPass("cluster names over UDP", server, load));
            out.println("goal (issue 7): >= 30,000 queries/s, p99 < 5 ms, load generator on the same machine");
            if (config.churnPerSecond() > 0) results.put("with_churn", withChurn(index, server, load));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("name", "dns");
        line.put("results", results);
        line.put("machine", MachineInfo.describe());
        out.println("BENCH " + Json.of(line));
        return line;
    }

    /** One bounded load run: throughput, latency, losses, response cache hit ratio and CPU used (printed and returned). */
    private Map<String, Object> measuredPass(String title, ClusterDnsServer server, UdpLoadGenerator load) throws InterruptedException {
        long hitsBefore = server.stats().cacheHits();
        long queriesBefore = server.stats().queries();
        long cpuBefore = processCpuNanos();
        UdpLoadGenerator.Result r = load.run(config.queries(), config.maxDuration().toNanos());
        double cores = (processCpuNanos() - cpuBefore) / 1e9 / r.seconds();
        long served = server.stats().queries() - queriesBefore;
        double hitRatio = served == 0 ? 0 : (double) (server.stats().cacheHits() - hitsBefore) / served;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queries", r.answered() + r.lost());
        m.put("answered", r.answered());
        m.put("lost", r.lost());
        m.put("wrong_rcode", r.wrongRcode());
        m.put("seconds", r.seconds());
        m.put("queries_per_s", Math.round(r.perSecond()));
        m.put("p50_ms", r.latencies().percentileMs(0.5));
        m.put("p99_ms", r.latencies().percentileMs(0.99));
        m.put("max_ms", r.latencies().percentileMs(1.0));
        m.put("response_cache_hit_ratio", hitRatio);
        m.put("process_cpu_cores", cores);
        out.printf("%s: %d answered in %.1f s: %.0f queries/s, p50 %.3f ms, p99 %.3f ms, max %.2f ms; %d lost, %d wrong rcode; "
                + "response cache hits %.1f%%; server + load generator used %.2f cores%n", title, r.answered(), r.seconds(), r.perSecond(),
            r.latencies().percentileMs(0.5), r.latencies().percentileMs(0.99), r.latencies().percentileMs(1.0), r.lost(), r.wrongRcode(),
            hitRatio * 100, cores);
        return m;
    }

    /** The measured pass again while a background thread changes one service's endpoints {@code churnPerSecond} times a second. */
    private Map<String, Object> withChurn(ClusterIndex index, ClusterDnsServer server, UdpLoadGenerator load) throws InterruptedException {
        long periodNanos = 1_000_000_000L / config.churnPerSecond();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong changes = new AtomicLong();
        Thread churn = Thread.ofPlatform().name("dns-bench-churn").start(() -> {
            long next = System.nanoTime();
            while (!stop.get()) {
                BenchCluster.flapEndpoint(index, 1, config.endpointsPerService(), changes.incrementAndGet() % 2 == 0);
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
            }
        });
        long t0 = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            m.putAll(measuredPass("same, with " + config.churnPerSecond() + " endpoint changes/s requested", server, load));
        } finally {
            stop.set(true);
            churn.join();
        }
        m.put("changes_per_s", Math.round(changes.get() / ((System.nanoTime() - t0) / 1e9)));
        return m;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getProcessCpuTime();
        return 0;
    }
}
