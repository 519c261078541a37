package dev.beluga.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * options in both cases. {@link #start} returns once {@code /readyz} answers (see {@link ReadinessProbe}: this JVM settles
 * first, and the probe is light); {@link #restart} starts the server again
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
        ReadinessProbe probe = ReadinessProbe.warmedUp();
        ReadinessProbe.settle(); // this JVM's own compilers finish first, as on a machine where a user starts a server
        long t0 = System.nanoTime();
        Process server = pb.redirectErrorStream(true).redirectOutput(log(dir).toFile()).start();
        try {
            long ready = probe.waitReady(port, t0, Duration.ofSeconds(60), server);
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
