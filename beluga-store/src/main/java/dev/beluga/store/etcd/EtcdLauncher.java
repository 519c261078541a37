package dev.beluga.store.etcd;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts a local etcd cluster of N members on loopback (Debian's {@code etcd-server}), each in its own data
 * directory, for the conformance tests and the store benchmark. Every process it starts is ended by PID in
 * {@link #close()} (and by a shutdown hook should the JVM exit first).
 *
 * <p>Not thread-safe; one owner.
 */
public final class EtcdLauncher implements AutoCloseable {
    /** Where Debian installs the etcd server. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/etcd");

    private final Path binary;
    private final Path baseDir;
    private final List<Member> members = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "etcd-launcher-cleanup");

    private record Member(String name, int clientPort, int peerPort, Path dataDir, Path logFile, Process[] process) {
        URI clientUrl() {
            return URI.create("http://127.0.0.1:" + clientPort);
        }
    }

    private EtcdLauncher(Path binary, Path baseDir) {
        this.binary = binary;
        this.baseDir = baseDir;
    }

    /** True when an etcd binary is installed where the launcher looks. */
    public static boolean available() {
        return Files.isExecutable(DEFAULT_BINARY);
    }

    /** Starts {@code size} members under a new temporary directory and waits until the cluster is healthy. */
    public static EtcdLauncher start(int size) throws IOException {
        if (!available())
            throw new IOException("etcd is not installed at " + DEFAULT_BINARY + "; install Debian's etcd-server package"
                + " (apt-get install etcd-server)");
        EtcdLauncher l = new EtcdLauncher(DEFAULT_BINARY, Files.createTempDirectory("beluga-etcd-"));
        Runtime.getRuntime().addShutdownHook(l.shutdownHook);
        try {
            l.startMembers(size);
            l.awaitHealthy(Duration.ofSeconds(30));
            return l;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private void startMembers(int size) throws IOException {
        StringBuilder cluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = "m" + i;
            int client = freePort();
            int peer = freePort();
            members.add(new Member(name, client, peer, baseDir.resolve(name), baseDir.resolve(name + ".log"), new Process[1]));
            if (i > 0) cluster.append(',');
            cluster.append(name).append("=http://127.0.0.1:").append(peer);
        }
        for (Member m : members) launch(m, cluster.toString(), "new");
    }

    private void launch(Member m, String cluster, String state) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(),
            "--name", m.name(), "--data-dir", m.dataDir().toString(),
            "--listen-client-urls", m.clientUrl().toString(), "--advertise-client-urls", m.clientUrl().toString(),
            "--listen-peer-urls", "http://127.0.0.1:" + m.peerPort(),
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + m.peerPort(),
            "--initial-cluster", cluster, "--initial-cluster-state", state,
            "--initial-cluster-token", "beluga-" + baseDir.getFileName(),
            "--heartbeat-interval", "50", "--election-timeout", "500",
            "--max-request-bytes", Integer.toString(2 * 1024 * 1024),
            "--enable-pprof=false");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(m.logFile().toFile()));
        m.process()[0] = pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Member m : members) {
            while (true) {
                if (m.process()[0] != null && !m.process()[0].isAlive())
                    throw new IOException("etcd member " + m.name() + " exited: " + tail(m.logFile()));
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(m.clientUrl().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().contains("true")) break;
                } catch (IOException e) {
                    // not up yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (System.nanoTime() > deadline)
                    throw new IOException("etcd member " + m.name() + " not healthy within " + timeout + ": " + tail(m.logFile()));
                sleep(50);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The client URLs of all members. */
    public List<URI> endpoints() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** Ends member {@code i} with SIGKILL, as a crash would. */
    public void kill(int i) {
        Process p = members.get(i).process()[0];
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The etcd process IDs (for resource measurements). */
    public List<Long> pids() {
        return members.stream().filter(m -> m.process()[0] != null && m.process()[0].isAlive())
            .map(m -> m.process()[0].pid()).toList();
    }

    private void killAll() {
        for (int i = 0; i < members.size(); i++) kill(i);
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
        try (Stream<Path> s = Files.walk(baseDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
