package dev.beluga.cli;

import dev.beluga.store.bench.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code beluga bench ...}: the benchmarks; each prints a table and a {@code BENCH {json}} line. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
    subcommands = {BenchCommand.Store.class, BenchCommand.Api.class, BenchCommand.Scheduler.class, BenchCommand.Controllers.class,
        BenchCommand.Node.class,
        BenchCommand.Proxy.class, BenchCommand.Dns.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "api", mixinStandardHelpOptions = true,
        description = "API server: start to /readyz, idle RSS, pod creates/s (32 clients), LIST 10,000 pods, watch fan-out.")
    static final class Api implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the server's data directory is created (default: the temp dir).")
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        @Option(names = "--pods", defaultValue = "10000", description = "Pods to create (default: 10000).")
        int pods;

        @Option(names = "--warmup", defaultValue = "10000", description = "Pods created before the measured creates, not counted (default: 10000).")
        int warmup;

        @Option(names = "--watchers", defaultValue = "1000", description = "Concurrent pod watchers (default: 1000).")
        int watchers;

        @Option(names = "--watch-rate", defaultValue = "500", description = "Pod changes per second during the watch test (default: 500).")
        int watchRate;

        @Option(names = "--watch-seconds", defaultValue = "5", description = "Length of the watch test (default: 5 s).")
        int watchSeconds;

        @Option(names = "--watch-warmup-seconds", defaultValue = "5",
            description = "Length of a first watch run, not counted, so that the measured one meets compiled code (default: 5 s; 0: none).")
        int watchWarmupSeconds;

        @Option(names = "--starts", defaultValue = "1",
            description = "How many times the first start (new data directory) and the second start are measured (default: 1).")
        int starts;

        @Option(names = "--start-only", description = "Measure the starts only, not the creates, list and watch.")
        boolean startOnly;

        @Option(names = "--idle-seconds", defaultValue = "0",
            description = "Also leave a whole server (scheduler, controllers; no agent) idle this long, reading its RSS every 30 s (default: 0, not measured).")
        int idleSeconds;

        @Override
        public Integer call() throws Exception {
            new dev.beluga.cli.bench.ApiBenchmark(new dev.beluga.cli.bench.ApiBenchmark.Config(pods, warmup, 32, 20, watchers, watchRate,
                watchSeconds, watchWarmupSeconds, workDir, starts, startOnly, idleSeconds), System.out).run();
            return 0;
        }
    }

    @Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Scheduler throughput on hollow nodes (like upstream scheduler_perf): SchedulingBasic, NodeAffinity, "
            + "RequiredPodAntiAffinity, TopologySpreading, Preemption.")
    static final class Scheduler implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the servers' data directories are created (default: the temp dir).")
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        @Option(names = "--scale", defaultValue = "1.0", description = "Size relative to upstream's workloads (default: 1.0 = 5,000 nodes).")
        double scale;

        @Option(names = "--workload", description = "Run only this workload (repeatable).")
        java.util.List<String> workloads = new java.util.ArrayList<>();

        @Option(names = "--warmup", defaultValue = "5000",
            description = "Pods scheduled and deleted before each measured run, not counted (default: 5000).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            new dev.beluga.cli.bench.SchedulerBenchmark(new dev.beluga.cli.bench.SchedulerBenchmark.Config(
                dev.beluga.cli.bench.SchedulerBenchmark.workloads(scale, workloads), warmup, workDir), System.out).run();
            return 0;
        }
    }

    @Command(name = "controllers", mixinStandardHelpOptions = true,
        description = "Controller manager end to end on hollow nodes: Deployment scale-up and rolling update, EndpointSlice "
            + "latency after readiness changes, namespace deletion; then the same with upstream's client limit (QPS 20).")
    static final class Controllers implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the servers' data directories are created (default: the temp dir).")
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        @Option(names = "--replicas", defaultValue = "5000", description = "Deployment replicas (default: 5000).")
        int replicas;

        @Option(names = "--service-pods", defaultValue = "1000", description = "Pods behind the Service (default: 1000).")
        int servicePods;

        @Option(names = "--flips", defaultValue = "200", description = "Readiness changes measured (default: 200).")
        int flips;

        @Option(names = "--namespace-objects", defaultValue = "10000", description = "Objects in the deleted namespace (default: 10000).")
        int bulk;

        @Option(names = "--upstream-replicas", defaultValue = "500",
            description = "Replicas of the comparison run with upstream's client limit, QPS 20 burst 30 (0: skip; default: 500).")
        int upstreamReplicas;

        @Option(names = "--warmup", defaultValue = "1000",
            description = "Replicas of a Deployment scaled up and deleted before the measured phases, not counted (default: 1000).")
        int warmup;

        @Override
        public Integer call() throws Exception {
            new dev.beluga.cli.bench.ControllerBenchmark(new dev.beluga.cli.bench.ControllerBenchmark.Config(replicas, servicePods, flips,
                bulk, 0, 0, warmup, workDir), System.out).run();
            if (upstreamReplicas > 0) {
                System.out.println("-- the same with upstream kube-controller-manager's client limit (--kube-api-qps 20 --kube-api-burst 30):");
                new dev.beluga.cli.bench.ControllerBenchmark(new dev.beluga.cli.bench.ControllerBenchmark.Config(upstreamReplicas,
                    Math.min(servicePods, upstreamReplicas), Math.min(flips, 50), Math.min(bulk, 1000), 20, 30, Math.min(warmup, upstreamReplicas),
                    workDir), System.out).run();
            }
            return 0;
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
        description = "The node agent with real containers (one node as a network namespace, needs root): idle memory, "
            + "pod startup latency (create -> Running), CPU and memory with the pods running, deletion.")
    static final class Node implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the data directories are created (default: /tmp).")
        Path workDir = Path.of("/tmp");

        @Option(names = "--pods", defaultValue = "100", description = "Pods on the node (default: 100).")
        int pods;

        @Option(names = "--latency-pods", defaultValue = "20", description = "Of those, latency pods created one per second at the end (default: 20).")
        int latencyPods;

        @Option(names = "--rate", defaultValue = "10", description = "Saturation pods created per second (default: 10).")
        double rate;

        @Option(names = "--steady", defaultValue = "PT60S", description = "How long the pods are held for the CPU reading (default: PT60S).")
        java.time.Duration steady;

        @Override
        public Integer call() throws Exception {
            java.util.List<String> missing = NodeAgents.missingPrerequisites();
            if (!missing.isEmpty()) {
                System.err.println("beluga bench node: missing " + missing);
                return 2;
            }
            new NodeBenchmark(new NodeBenchmark.Config(pods, Math.min(latencyPods, pods), rate, steady, workDir), System.out).run();
            return 0;
        }
    }

    @Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Network programming of the nftables service proxy (in a network namespace of its own, needs root): "
            + "Services and EndpointSlices through the API, full sync at that size, EndpointSlice change -> rules in effect.")
    static final class Proxy implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the server's data directory is created (default: /tmp).")
        Path workDir = Path.of("/tmp");

        @Option(names = "--services", defaultValue = "1000", description = "Services (default: 1000).")
        int services;

        @Option(names = "--endpoints-per-service", defaultValue = "10", description = "Endpoints per Service (default: 10).")
        int endpoints;

        @Option(names = "--changes", defaultValue = "300", description = "EndpointSlice changes measured (default: 300).")
        int changes;

        @Option(names = "--rate", defaultValue = "20", description = "Changes per second (default: 20).")
        double rate;

        @Override
        public Integer call() throws Exception {
            if (!dev.beluga.proxy.nft.NftablesProxier.available()) {
                System.err.println("beluga bench proxy: needs root and nftables (apt-get install nftables)");
                return 2;
            }
            new dev.beluga.cli.bench.ProxyBenchmark(new dev.beluga.cli.bench.ProxyBenchmark.Config(services, endpoints, changes,
                rate, workDir), System.out).run();
            return 0;
        }
    }

    @Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Cluster DNS: queries/s and latency for cached cluster names (1,000 services, 10,000 endpoints) from a "
            + "UDP load generator on loopback, then the same while endpoints change.")
    static final class Dns implements Callable<Integer> {
        @Option(names = "--queries", defaultValue = "300000", description = "Queries per measured pass (default: 300000).")
        int queries;

        @Option(names = "--senders", defaultValue = "4", description = "Load generator threads (default: 4).")
        int senders;

        @Option(names = "--window", defaultValue = "8", description = "Outstanding queries per sender (default: 8).")
        int window;

        @Option(names = "--churn", defaultValue = "100", description = "Endpoint changes per second in the second pass (0: skip; default: 100).")
        int churn;

        @Override
        public Integer call() throws Exception {
            var d = dev.beluga.dns.bench.DnsBenchmark.Config.defaults();
            new dev.beluga.dns.bench.DnsBenchmark(new dev.beluga.dns.bench.DnsBenchmark.Config(d.services(), d.endpointsPerService(),
                queries, d.warmupQueries(), d.maxDuration(), senders, window, d.udpWorkers(), churn), System.out).run();
            return 0;
        }
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
        description = "Embedded store vs a local etcd: 1 and 16 writers, reads, watch delivery latency.")
    static final class Store implements Callable<Integer> {
        @Option(names = "--work-dir", description = "Where the stores are created (default: the temp dir).")
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        @Option(names = "--no-etcd", description = "Skip the etcd run.")
        boolean noEtcd;

        @Option(names = "--quick", description = "Fewer operations (a smoke run, figures less stable).")
        boolean quick;

        @Override
        public Integer call() throws Exception {
            StoreBenchmark.Config c = StoreBenchmark.Config.defaults(workDir);
            if (quick) c = new StoreBenchmark.Config(5000, 300, 16, 100, 16, 200, 200, 1000, !noEtcd, workDir);
            else if (noEtcd) c = new StoreBenchmark.Config(c.restartKeys(), c.singleWriterPuts(), c.concurrentWriters(), c.putsPerWriter(),
                c.readers(), c.readsPerReader(), c.watchEvents(), c.watchRatePerSecond(), false, workDir);
            new StoreBenchmark(c, System.out).run();
            return 0;
        }
    }
}
