package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.cli.args.CommandInfo;
import dev.beluga.store.bench.StoreBenchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code beluga bench ...}: the benchmarks; each prints a table and a {@code BENCH {json}} line. */
final class BenchCommand {
    static final String DESCRIPTION = "Run a benchmark and print its figures.";

    /** The subcommands, in the order help lists them. */
    static final List<CommandInfo> SUBCOMMANDS = List.of(
        CommandInfo.command("store", "Embedded store vs a local etcd: 1 and 16 writers, reads, watch delivery latency.", Store::new),
        CommandInfo.command("api",
            "API server: start to /readyz, idle RSS, pod creates/s (32 clients), LIST 10,000 pods, watch fan-out.", Api::new),
        CommandInfo.command("watch-floor",
            "The watch fan-out's transport alone: the API benchmark's watchers reading events of its size over TLS from a "
                + "server that does nothing but write them; CPU per event and the cores the goal's rate needs.", WatchFloor::new),
        CommandInfo.command("scheduler",
            "Scheduler throughput on hollow nodes (like upstream scheduler_perf): SchedulingBasic, NodeAffinity, "
                + "RequiredPodAntiAffinity, TopologySpreading, Preemption.", Scheduler::new),
        CommandInfo.command("controllers",
            "Controller manager end to end on hollow nodes: Deployment scale-up and rolling update, EndpointSlice "
                + "latency after readiness changes, namespace deletion; then the same with upstream's client limit (QPS 20).", Controllers::new),
        CommandInfo.command("node",
            "The node agent with real containers (one node as a network namespace, needs root): idle memory, "
                + "pod startup latency (create -> Running), CPU and memory with the pods running, deletion.", Node::new),
        CommandInfo.command("proxy",
            "Network programming of the nftables service proxy (in a network namespace of its own, needs root): "
                + "Services and EndpointSlices through the API, full sync at that size, EndpointSlice change -> rules in effect.", Proxy::new),
        CommandInfo.command("dns",
            "Cluster DNS: queries/s and latency for cached cluster names (1,000 services, 10,000 endpoints) from a "
                + "UDP load generator on loopback, then the same while endpoints change.", Dns::new));

    private BenchCommand() {
    }

    static final class Api implements CliCommand {
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        int pods = 10000;
        int warmup = 10000;
        int watchers = 1000;
        int watchRate = 500;
        int watchSeconds = 5;
        int watchWarmupSeconds = 5;
        int starts = 1;
        boolean startOnly;
        int idleSeconds = 0;

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the server's data directory is created (default: the temp dir).",
                Path::of, v -> workDir = v);
            a.option("--pods", "N", "Pods to create (default: 10000).", Integer::parseInt, v -> pods = v);
            a.option("--warmup", "N", "Pods created before the measured creates, not counted (default: 10000).",
                Integer::parseInt, v -> warmup = v);
            a.option("--watchers", "N", "Concurrent pod watchers (default: 1000).", Integer::parseInt, v -> watchers = v);
            a.option("--watch-rate", "N", "Pod changes per second during the watch test (default: 500).",
                Integer::parseInt, v -> watchRate = v);
            a.option("--watch-seconds", "N", "Length of the watch test (default: 5 s).",
                Integer::parseInt, v -> watchSeconds = v);
            a.option("--watch-warmup-seconds", "N",
                "Length of a first watch run, not counted, so that the measured one meets compiled code (default: 5 s; 0: none).",
                Integer::parseInt, v -> watchWarmupSeconds = v);
            a.option("--starts", "N",
                "How many times the first start (new data directory) and the second start are measured (default: 1).",
                Integer::parseInt, v -> starts = v);
            a.flag("--start-only", "Measure the starts only, not the creates, list and watch.", () -> startOnly = true);
            a.option("--idle-seconds", "N",
                "Also leave a whole server (scheduler, controllers; no agent) idle this long, reading its RSS every 30 s (default: 0, not measured).",
                Integer::parseInt, v -> idleSeconds = v);
        }

        @Override
        public Integer call() throws Exception {
            new dev.beluga.cli.bench.ApiBenchmark(new dev.beluga.cli.bench.ApiBenchmark.Config(pods, warmup, 32, 20, watchers, watchRate,
                watchSeconds, watchWarmupSeconds, workDir, starts, startOnly, idleSeconds), System.out).run();
            return 0;
        }
    }

    static final class WatchFloor implements CliCommand {
        int watchers = 1000;
        int rate = 500;
        int seconds = 5;
        int warmupSeconds = 5;
        int eventBytes = 1700;
        int lingerMs = 5;

        @Override
        public void declare(Arguments a) {
            a.option("--watchers", "N", "Concurrent watch streams (default: 1000).", Integer::parseInt, v -> watchers = v);
            a.option("--rate", "N", "Events per second to every watcher (default: 500).", Integer::parseInt, v -> rate = v);
            a.option("--seconds", "N", "Length of the measured run (default: 5 s).", Integer::parseInt, v -> seconds = v);
            a.option("--warmup-seconds", "N", "Length of a first run, not counted (default: 5 s; 0: none).",
                Integer::parseInt, v -> warmupSeconds = v);
            a.option("--event-bytes", "N", "Length of each event line (default: 1700, about the API benchmark's).",
                Integer::parseInt, v -> eventBytes = v);
            a.option("--linger-ms", "N", "How long events wait to be gathered into one write (default: 5, the API server's longest).",
                Integer::parseInt, v -> lingerMs = v);
        }

        @Override
        public Integer call() throws Exception {
            if (watchers < 1 || rate < 1 || seconds < 1 || warmupSeconds < 0 || eventBytes < 1 || lingerMs < 1) {
                System.err.println("beluga bench watch-floor: --watchers, --rate, --seconds, --event-bytes and --linger-ms must be"
                    + " at least 1, --warmup-seconds at least 0");
                return 2;
            }
            new dev.beluga.cli.bench.WatchFloorBenchmark(new dev.beluga.cli.bench.WatchFloorBenchmark.Config(watchers, rate, seconds,
                warmupSeconds, eventBytes, lingerMs), System.out).run();
            return 0;
        }
    }

    static final class Scheduler implements CliCommand {
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        double scale = 1.0;
        List<String> workloads = new java.util.ArrayList<>();
        int warmup = 5000;

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the servers' data directories are created (default: the temp dir).",
                Path::of, v -> workDir = v);
            a.option("--scale", "N", "Size relative to upstream's workloads (default: 1.0 = 5,000 nodes).",
                Double::parseDouble, v -> scale = v);
            a.option("--workload", "NAME", "Run only this workload (repeatable).", workloads::add);
            a.option("--warmup", "N", "Pods scheduled and deleted before each measured run, not counted (default: 5000).",
                Integer::parseInt, v -> warmup = v);
        }

        @Override
        public Integer call() throws Exception {
            new dev.beluga.cli.bench.SchedulerBenchmark(new dev.beluga.cli.bench.SchedulerBenchmark.Config(
                dev.beluga.cli.bench.SchedulerBenchmark.workloads(scale, workloads), warmup, workDir), System.out).run();
            return 0;
        }
    }

    static final class Controllers implements CliCommand {
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        int replicas = 5000;
        int servicePods = 1000;
        int flips = 200;
        int bulk = 10000;
        int upstreamReplicas = 500;
        int warmup = 1000;

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the servers' data directories are created (default: the temp dir).",
                Path::of, v -> workDir = v);
            a.option("--replicas", "N", "Deployment replicas (default: 5000).", Integer::parseInt, v -> replicas = v);
            a.option("--service-pods", "N", "Pods behind the Service (default: 1000).", Integer::parseInt, v -> servicePods = v);
            a.option("--flips", "N", "Readiness changes measured (default: 200).", Integer::parseInt, v -> flips = v);
            a.option("--namespace-objects", "N", "Objects in the deleted namespace (default: 10000).",
                Integer::parseInt, v -> bulk = v);
            a.option("--upstream-replicas", "N",
                "Replicas of the comparison run with upstream's client limit, QPS 20 burst 30 (0: skip; default: 500).",
                Integer::parseInt, v -> upstreamReplicas = v);
            a.option("--warmup", "N",
                "Replicas of a Deployment scaled up and deleted before the measured phases, not counted (default: 1000).",
                Integer::parseInt, v -> warmup = v);
        }

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

    static final class Node implements CliCommand {
        Path workDir = Path.of("/tmp");
        int pods = 100;
        int latencyPods = 20;
        double rate = 10;
        Duration steady = Duration.ofSeconds(60);

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the data directories are created (default: /tmp).", Path::of, v -> workDir = v);
            a.option("--pods", "N", "Pods on the node (default: 100).", Integer::parseInt, v -> pods = v);
            a.option("--latency-pods", "N", "Of those, latency pods created one per second at the end (default: 20).",
                Integer::parseInt, v -> latencyPods = v);
            a.option("--rate", "N", "Saturation pods created per second (default: 10).", Double::parseDouble, v -> rate = v);
            a.option("--steady", "DURATION", "How long the pods are held for the CPU reading (default: PT60S).",
                Duration::parse, v -> steady = v);
        }

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

    static final class Proxy implements CliCommand {
        Path workDir = Path.of("/tmp");
        int services = 1000;
        int endpoints = 10;
        int changes = 300;
        double rate = 20;

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the server's data directory is created (default: /tmp).",
                Path::of, v -> workDir = v);
            a.option("--services", "N", "Services (default: 1000).", Integer::parseInt, v -> services = v);
            a.option("--endpoints-per-service", "N", "Endpoints per Service (default: 10).",
                Integer::parseInt, v -> endpoints = v);
            a.option("--changes", "N", "EndpointSlice changes measured (default: 300).", Integer::parseInt, v -> changes = v);
            a.option("--rate", "N", "Changes per second (default: 20).", Double::parseDouble, v -> rate = v);
        }

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

    static final class Dns implements CliCommand {
        int queries = 300000;
        int senders = 4;
        int window = 8;
        int churn = 100;

        @Override
        public void declare(Arguments a) {
            a.option("--queries", "N", "Queries per measured pass (default: 300000).", Integer::parseInt, v -> queries = v);
            a.option("--senders", "N", "Load generator threads (default: 4).", Integer::parseInt, v -> senders = v);
            a.option("--window", "N", "Outstanding queries per sender (default: 8).", Integer::parseInt, v -> window = v);
            a.option("--churn", "N", "Endpoint changes per second in the second pass (0: skip; default: 100).",
                Integer::parseInt, v -> churn = v);
        }

        @Override
        public Integer call() throws Exception {
            var d = dev.beluga.dns.bench.DnsBenchmark.Config.defaults();
            new dev.beluga.dns.bench.DnsBenchmark(new dev.beluga.dns.bench.DnsBenchmark.Config(d.services(), d.endpointsPerService(),
                queries, d.warmupQueries(), d.maxDuration(), senders, window, d.udpWorkers(), churn), System.out).run();
            return 0;
        }
    }

    static final class Store implements CliCommand {
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        boolean noEtcd;
        boolean quick;

        @Override
        public void declare(Arguments a) {
            a.option("--work-dir", "DIR", "Where the stores are created (default: the temp dir).", Path::of, v -> workDir = v);
            a.flag("--no-etcd", "Skip the etcd run.", () -> noEtcd = true);
            a.flag("--quick", "Fewer operations (a smoke run, figures less stable).", () -> quick = true);
        }

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
