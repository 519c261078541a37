package dev.beluga.agent.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Runs the real kubectl against a test API server, with its own home and discovery cache. */
final class Kubectl {
    static final Path BINARY = Path.of("/usr/bin/kubectl");
    /** Google Cloud SDK's versioned kubectl binaries ({@code kubectl.1.27} ...). */
    static final Path SDK_BIN = Path.of("/usr/lib/google-cloud-sdk/bin");

    /** Google Cloud SDK's kubectl 1.27, 1.32 and 1.33 that are installed; skips the test when there are none. */
    static java.util.stream.Stream<Path> versions() {
        List<Path> found = new ArrayList<>();
        for (String v : List.of("1.27", "1.32", "1.33")) {
            Path p = SDK_BIN.resolve("kubectl." + v);
            if (Files.isExecutable(p)) found.add(p);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(!found.isEmpty(), "no kubectl.{1.27,1.32,1.33} in " + SDK_BIN);
        return found.stream();
    }

    /** A line of kubectl's log (klog's header: severity, date, time, thread, file:line]). */
    private static final Pattern LOG_LINE = Pattern.compile("^[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+ +\\d+ [^ \\]]+:\\d+\\] .*");

    record Result(int exit, String out, String err) {
        /** kubectl's log lines in its standard error ({@code -v=N}). */
        String log() {
            return err.lines().filter(l -> LOG_LINE.matcher(l).matches()).collect(Collectors.joining("\n"));
        }

        /** Its standard error without the log lines. */
        String errText() {
            return err.lines().filter(l -> !LOG_LINE.matcher(l).matches()).map(l -> l + "\n").collect(Collectors.joining());
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path home;
    private final int verbosity;

    Kubectl(Path kubeconfig, Path home) {
        this(BINARY, kubeconfig, home);
    }

    Kubectl(Path binary, Path kubeconfig, Path home) {
        this(binary, kubeconfig, home, 0);
    }

    private Kubectl(Path binary, Path kubeconfig, Path home, int verbosity) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.home = home;
        this.verbosity = verbosity;
    }

    /** The same kubectl logging at {@code -v=level} to its standard error. */
    Kubectl verbose(int level) {
        return new Kubectl(binary, kubeconfig, home, level);
    }

    Path binary() {
        return binary;
    }

    /** The command line: the binary, its kubeconfig and cache, then {@code args}. */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(), "--cache-dir",
            home.resolve("cache").toString()));
        if (verbosity > 0) cmd.add("-v=" + verbosity);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A process builder for {@code cmd} with this kubectl's home. */
    ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        return pb;
    }

    private ProcessBuilder builder(String... args) {
        return builder(command(args));
    }

    /** Runs to completion (at most 60 s). */
    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(new byte[0], args);
    }

    /** Runs to completion (at most 60 s) with {@code input} as its standard input, then closed. */
    Result runWithInput(byte[] input, String... args) throws IOException, InterruptedException {
        return runCommand(input, command(args));
    }

    /** Runs {@code cmd} (kubectl, or a wrapper around it) to completion (at most 60 s) with {@code input} on stdin. */
    Result runCommand(byte[] input, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = builder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input);
        } catch (IOException e) {
            // it exited without reading everything; its output tells
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Result ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) throw new AssertionError(binary + " " + String.join(" ", args) + " failed: " + r);
        return r;
    }

    /** Starts kubectl with its standard output readable; stderr goes to a file in the home. The caller ends it. */
    Process start(String... args) throws IOException {
        return start(Files.createTempFile(home, "err", ".txt"), args);
    }

    /** Starts kubectl with its standard output readable and its standard error into {@code err}. The caller ends it. */
    Process start(Path err, String... args) throws IOException {
        return builder(args).redirectError(err.toFile()).start();
    }
}
