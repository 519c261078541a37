package dev.beluga.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code beluga server} child process for a benchmark: its own data directory under the work directory, a free
 * loopback port. It is started the way a user starts it — through the {@code beluga} launcher script when the benchmark
 * itself runs under it ({@code BELUGA_LAUNCHER}, set by the script), so that the figures include the script, its JVM
 * flags and the ahead-of-time cache — else with this JVM's options; {@code BELUGA_BENCH_SERVER_JAVA_OPTS} adds JVM
 * options in both cases. {@link #start} returns once {@code /readyz} answers; {@link #restart} starts the server again
 * on the same data; {@link #close} stops the process and deletes its directory and log.
 */
public final class BenchServer implements AutoCloseable {
    public final Path dir;
    public final int port;
    public final Process process;
    /** Milliseconds from starting the process to the first successful {@code /readyz}. */
    public final long readyMillis;
    /**
     * The server process's CPU time (user + system, all threads, from {@code /proc/PID/stat}) when {@code /readyz}
     * first answered, in milliseconds; -1 when unknown. Read right after that answer, so it may include a few
     * milliseconds of work done after ready.
     */
    public final long readyCpuMillis;
    /** Where {@link #readyCpuMillis} went, by thread group of the live threads (see {@link ThreadCpuBreakdown}). */
    public final Map<String, Double> readyCpuByThread;

    private final List<String> extraArgs;

    private BenchServer(Path dir, int port, Process process, long readyMillis, long readyCpuMillis, Map<String, Double> readyCpuByThread,
                        List<String> extraArgs) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.readyMillis = readyMillis;
        this.readyCpuMillis = readyCpuMillis;
        this.readyCpuByThread = readyCpuByThread;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /**
     * @param name      names the data directory ({@code beluga-bench-NAME-...})
     * @param extraArgs extra {@code beluga server} arguments (e.g. {@code --disable-scheduler})
     */
    public static BenchServer start(Path work, String name, List<String> extraArgs) throws Exception {
        Path dir = Files.createTempDirectory(work, "beluga-bench-" + name + "-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return launch(dir, port, extraArgs);
    }

    /**
     * Stops this server (keeping its data) and starts it again on the same directory, port and arguments: the second
     * start of a cluster, with its CA and objects already there. This instance must not be used afterwards.
     */
    public BenchServer restart() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        return launch(dir, port, extraArgs);
    }

    private static BenchServer launch(Path dir, int port, List<String> extraArgs) throws Exception {
        List<String> serverArgs = new ArrayList<>(List.of("server", "--data-dir", dir.toString(), "--https-port", Integer.toString(port),
            "--bind-address", "127.0.0.1", "--disable-agent"));
        serverArgs.addAll(extraArgs);
        ProcessBuilder pb = command(serverArgs);
        HttpClient probe = readinessClient();
        try {
            probe.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        } catch (IOException expected) {
            // nothing listens yet: this only warms up the client
        }
        long t0 = System.nanoTime();
        Process server = pb.redirectErrorStream(true).redirectOutput(log(dir).toFile()).start();
        try {
            long ready = waitReady(probe, port, t0);
            long cpu = ThreadCpuBreakdown.processMillis(server.pid());
            Map<String, Double> byThread = new ThreadCpuBreakdown(server.pid()).stop(); // not started: since the process began
            return new BenchServer(dir, port, server, ready, cpu, byThread, extraArgs);
        } catch (Exception e) {
            // the log goes with the data directory: show its end, so that a failed start says why
            try (Stream<String> lines = Files.lines(log(dir))) {
                List<String> all = lines.toList();
                System.err.println("--- last lines of the server's log (" + log(dir) + "):");
                all.subList(Math.max(0, all.size() - 40), all.size()).forEach(System.err::println);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // no log to show
            }
            stop(server, dir);
            throw e;
        }
    }

    /**
     * {@code beluga ARGS} as a user runs it: the launcher script when known (it {@code exec}s the JVM, so the process is
     * the server's JVM), else this JVM's java with this JVM's options.
     */
    private static ProcessBuilder command(List<String> args) {
        String extra = System.getenv("BELUGA_BENCH_SERVER_JAVA_OPTS"); // e.g. -XX:StartFlightRecording=... to profile it
        boolean hasExtra = extra != null && !extra.isBlank();
        String launcher = System.getenv("BELUGA_LAUNCHER");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            List<String> cmd = new ArrayList<>(List.of(launcher));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            // the benchmark's own JVM options, minus those that belong to this process only (a profiling recording)
            String inherited = pb.environment().getOrDefault("BELUGA_JAVA_OPTS", "");
            String kept = String.join(" ", java.util.Arrays.stream(inherited.trim().split("\\s+")).filter(BenchServer::inheritable).toList());
            pb.environment().put("BELUGA_JAVA_OPTS", hasExtra ? (kept + " " + extra.trim()).trim() : kept);
            return pb;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (inheritable(a)) cmd.add(a);
        if (hasExtra) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.beluga.cli.Beluga"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    /** Whether one of this process's JVM options also goes to the server: not training, agents, debugging or profiling. */
    private static boolean inheritable(String option) {
        return !option.isEmpty() && !option.startsWith("-XX:AOTCacheOutput") && !option.startsWith("-agent")
            && !option.startsWith("-Xrunjdwp") && !option.startsWith("-XX:StartFlightRecording");
    }

    private static Path log(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".log");
    }

    /** An admin client over HTTP/2. */
    public AdminClient client() throws Exception {
        return new AdminClient(dir, port, HttpClient.Version.HTTP_2);
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig.yaml");
    }

    /** The server's resident memory in MiB (-1 when gone). */
    public long rssMib() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")))
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        } catch (IOException ignored) {
            // process gone
        }
        return -1;
    }

    /**
     * Polls {@code /readyz} (which needs no credentials) with a client prepared before the server was started, so the
     * figure is the server's start-up, not the benchmark's TLS set-up.
     */
    private static HttpClient readinessClient() throws java.security.GeneralSecurityException {
        javax.net.ssl.TrustManager trustAll = new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static long waitReady(HttpClient probe, int port, long t0) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz"))
            .timeout(java.time.Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            try {
                if (probe.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200)
                    return (System.nanoTime() - t0) / 1_000_000;
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("server not ready within 60 s");
    }

    @Override
    public void close() throws Exception {
        stop(process, dir);
    }

    private static void stop(Process server, Path dir) throws Exception {
        server.toHandle().destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) server.destroyForcibly();
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Files.deleteIfExists(log(dir));
    }
}
