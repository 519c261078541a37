package dev.beluga.cri;

import dev.beluga.cri.v1.VersionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One containerd daemon that Beluga started as its child process, for one node directory ({@link ContainerdConfig}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link Builder#start()} writes the config, starts {@code containerd --config <nodeDir>/config.toml} (through
 *       {@code nsenter --net=<netns>} when a network namespace is given: only the network namespace is joined, because
 *       {@code ip netns exec} also remounts {@code /sys} and runc then finds no cgroup mount), appends its output to
 *       the log file, and returns only once the socket answers a CRI {@code Version} call. If the process exits or
 *       does not answer within the start timeout, it is killed and an {@link IOException} carrying the log's tail is
 *       thrown.
 *   <li>A containerd already serving the same socket is not reused: start fails when the socket answers before the
 *       new process was started, rather than adopting a daemon Beluga does not own.
 *   <li>{@link #stop(Duration)} signals only this process (by its PID): SIGTERM, then SIGKILL after the grace period.
 *       Containers keep running in their shims (containerd's own behaviour); stopping them is the caller's business
 *       before it stops the daemon. {@link #close()} is {@code stop(DEFAULT_STOP_GRACE)}; both are idempotent.
 *   <li>The daemon is not stopped when the JVM exits abruptly; a node agent that restarts finds the socket answering
 *       and must decide (see the previous point).
 * </ul>
 */
public final class ContainerdProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContainerdProcess.class);

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    /** Debian packages that provide the binaries: containerd needs runc to run any container. */
    public static final String PACKAGES_HINT =
            "install the Debian packages 'containerd' and 'runc' (apt-get install containerd runc; scripts/install-deps)";

    /** Searched after the PATH: root's PATH normally has these, a service manager's minimal PATH may not. */
    private static final List<String> STANDARD_PATH =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private final ContainerdConfig config;
    private final Process process;
    private final Path logFile;
    private final VersionResponse version;
    private Exit exit;

    /** How the daemon ended: its exit code and whether SIGKILL was needed. */
    public record Exit(int code, boolean killed) {}

    private ContainerdProcess(ContainerdConfig config, Process process, Path logFile, VersionResponse version) {
        this.config = config;
        this.process = process;
        this.logFile = logFile;
        this.version = version;
    }

    /** A builder for the daemon of {@code config}'s node. */
    public static Builder builder(ContainerdConfig config) {
        return new Builder(config);
    }

    /** The binaries the CRI runtime needs that are not found (empty when {@code containerd} and {@code runc} are). */
    public static List<String> missingBinaries() {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("containerd", "runc")) {
            if (findOnPath(name).isEmpty()) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The executable {@code name} on the PATH, if any. */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : childPath(path).split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public ContainerdConfig config() {
        return config;
    }

    /** containerd's CRI socket. */
    public Path socket() {
        return config.socket();
    }

    /** The daemon's PID (the nsenter PID when a netns was given: nsenter execs containerd in place). */
    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /** The CRI Version response that proved the daemon ready. */
    public VersionResponse version() {
        return version;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A new CRI client for this daemon's socket (the caller closes it). */
    public CriClient newClient() {
        return new CriClient(socket());
    }

    /**
     * Stops the daemon: SIGTERM, then SIGKILL if it has not exited after {@code grace}. Returns how it ended; later
     * calls return the same result.
     */
    public synchronized Exit stop(Duration grace) {
        if (exit != null) {
            return exit;
        }
        boolean killed = false;
        try {
            if (process.isAlive()) {
                log.info("stopping containerd pid {} ({})", process.pid(), config.nodeDir());
                process.destroy(); // SIGTERM
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("containerd pid {} did not exit {} after SIGTERM; sending SIGKILL", process.pid(), grace);
                    process.destroyForcibly(); // SIGKILL
                    killed = true;
                    process.waitFor();
                }
            }
            exit = new Exit(process.exitValue(), killed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            exit = new Exit(-1, true);
        }
        return exit;
    }

    @Override
    public void close() {
        stop(DEFAULT_STOP_GRACE);
    }

    @Override
    public String toString() {
        return "ContainerdProcess[pid " + process.pid() + ", " + config.nodeDir() + "]";
    }

    /** {@code path} with the standard binary directories appended when missing. */
    static String childPath(String path) {
        List<String> dirs = new ArrayList<>();
        if (path != null && !path.isEmpty()) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        for (String std : STANDARD_PATH) {
            if (!dirs.contains(std)) {
                dirs.add(std);
            }
        }
        return String.join(File.pathSeparator, dirs);
    }

    /** The last {@code maxBytes} of a file as text (for error messages), or a note that it cannot be read. */
    static String tail(Path file, int maxBytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - maxBytes);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log " + file + " unreadable: " + e + ")";
        }
    }

    /** Builder; everything but the config is optional. */
    public static final class Builder {
        private final ContainerdConfig config;
        private Path netns;
        private Path logFile;
        private Path binary;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder(ContainerdConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Run containerd in this network namespace (a bind-mounted netns file such as {@code /var/run/netns/nodeA}). */
        public Builder netns(Path netns) {
            this.netns = netns;
            return this;
        }

        /** Where containerd's output is appended (default {@code <nodeDir>/containerd.log}). */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** The containerd executable (default: {@code containerd} found on the PATH). */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** How long to wait for the socket to answer CRI Version (default 30 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /**
         * Writes the config, starts the daemon and waits until it serves CRI.
         *
         * @throws IOException when containerd (or runc, or nsenter for a netns) is missing (the message names the Debian
         *     packages), when the socket is already served by another daemon, or when the daemon exits or does not
         *     answer in time (the message includes the end of its log; the process is killed)
         */
        public ContainerdProcess start() throws IOException, InterruptedException {
            Path exe = binary != null ? binary : findOnPath("containerd").orElse(null);
            if (exe == null || !Files.isExecutable(exe)) {
                throw new IOException("containerd executable not found (" + (exe == null ? "not on PATH" : exe) + "): "
                        + PACKAGES_HINT);
            }
            if (findOnPath("runc").isEmpty()) {
                throw new IOException("runc executable not found on PATH: " + PACKAGES_HINT);
            }
            List<String> command = new ArrayList<>();
            if (netns != null) {
                Path nsenter = findOnPath("nsenter")
                        .orElseThrow(() -> new IOException("nsenter not found (Debian package util-linux)"));
                command.add(nsenter.toString());
                command.add("--net=" + netns);
            }
            command.addAll(List.of(exe.toString(), "--config", config.configFile().toString()));

            if (Files.exists(config.socket())) {
                try (CriClient probe = new CriClient(config.socket(), Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                    VersionResponse v = probe.version();
                    throw new IOException("a runtime (" + v.getRuntimeName() + " " + v.getRuntimeVersion()
                            + ") already serves " + config.socket() + "; not starting a second containerd for " + config.nodeDir());
                } catch (CriException e) {
                    if (!e.isUnavailable()) {
                        throw new IOException("something answers on " + config.socket() + " but not as a CRI runtime ("
                                + e.getMessage() + "); not starting containerd for " + config.nodeDir(), e);
                    }
                    Files.deleteIfExists(config.socket()); // stale socket of a daemon that is gone
                }
            }
            config.write();
            Path out = logFile != null ? logFile : config.nodeDir().resolve("containerd.log");
            Files.createDirectories(out.toAbsolutePath().getParent());

            ProcessBuilder pb = new ProcessBuilder(command);
            // containerd finds runc (and the shim) on its PATH; Debian installs runc in /usr/sbin, which a non-login PATH
            // may lack
            pb.environment().put("PATH", childPath(pb.environment().get("PATH")));
            pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process process = pb.start();
            log.info("started containerd pid {}: {} (log {})", process.pid(), String.join(" ", command), out);
            try {
                VersionResponse version = awaitReady(process, out);
                log.info("containerd pid {} ready: {} {} (CRI {})", process.pid(), version.getRuntimeName(),
                        version.getRuntimeVersion(), version.getRuntimeApiVersion());
                return new ContainerdProcess(config, process, out, version);
            } catch (IOException | InterruptedException | RuntimeException e) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw e;
            }
        }

        private VersionResponse awaitReady(Process process, Path out) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            CriException last = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("containerd exited with status " + process.exitValue() + " before serving CRI on "
                            + config.socket() + "; end of " + out + ":\n" + tail(out, 4000));
                }
                if (Files.exists(config.socket())) {
                    // a fresh channel per attempt: a channel that once failed would wait out gRPC's reconnect backoff
                    try (CriClient probe = new CriClient(config.socket(), Duration.ofSeconds(2), Duration.ofSeconds(2))) {
                        return probe.version();
                    } catch (CriException e) {
                        last = e;
                    }
                }
                Thread.sleep(50);
            }
            throw new IOException("containerd (pid " + process.pid() + ") did not answer CRI Version on " + config.socket()
                    + " within " + startTimeout + (last == null ? " (socket never appeared)" : " (last: " + last.getMessage()
                    + ")") + "; end of " + out + ":\n" + tail(out, 4000));
        }
    }
}
