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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code beluga server} child process for a benchmark: its own data directory under the work directory, a free
 * loopback port, this JVM's options (the launcher's: GC, AOT cache — so the figures are those of {@code beluga
 * server}) plus {@code BELUGA_BENCH_SERVER_JAVA_OPTS}. {@link #start} returns once {@code /readyz} answers;
 * {@link #close} stops the process and deletes its directory and log.
 */
public final class BenchServer implements AutoCloseable {
    public final Path dir;
    public final int port;
    public final Process process;
    /** Milliseconds from starting the process to the first successful {@code /readyz}. */
    public final long readyMillis;

    private BenchServer(Path dir, int port, Process process, long readyMillis) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.readyMillis = readyMillis;
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
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        // the benchmark's own JVM flags, minus those that belong to this process only (profiling, debugging, training)
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (!a.startsWith("-XX:AOTCacheOutput") && !a.startsWith("-agent") && !a.startsWith("-Xrunjdwp")
                && !a.startsWith("-XX:StartFlightRecording")) cmd.add(a);
        // extra JVM options for the server under test, e.g. -XX:StartFlightRecording=... to profile it
        String extra = System.getenv("BELUGA_BENCH_SERVER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.beluga.cli.Beluga", "server", "--data-dir", dir.toString(),
            "--https-port", Integer.toString(port), "--bind-address", "127.0.0.1", "--disable-agent"));
        cmd.addAll(extraArgs);
        HttpClient probe = readinessClient();
        try {
            probe.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        } catch (IOException expected) {
            // nothing listens yet: this only warms up the client
        }
        long t0 = System.nanoTime();
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(dir).toFile()).start();
        try {
            long ready = waitReady(probe, port, t0);
            return new BenchServer(dir, port, server, ready);
        } catch (Exception e) {
            stop(server, dir);
            throw e;
        }
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

    /** CPU time (user + system) the server process has used so far, in seconds (-1 when unknown). */
    public double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
    }

    /** CPU time (user + system) this benchmark process has used so far, in seconds (-1 when unknown). */
    public static double ownCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
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
