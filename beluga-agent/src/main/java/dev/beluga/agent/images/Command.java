package dev.beluga.agent.images;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external program to completion with a bounded wait, capturing its output. Stdin is {@code /dev/null};
 * stdout and stderr are read by two virtual threads, so a chatty program cannot block on a full pipe. A program still
 * running at the deadline is killed (SIGKILL to that PID only) and an {@link IOException} carrying its stderr is
 * thrown. Stateless; safe to call from several threads.
 */
final class Command {
    /** Output kept per stream; the rest is dropped (error messages only need the beginning). */
    static final int MAX_OUTPUT_BYTES = 1 << 20;

    /** How the program ended. */
    record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        boolean succeeded() {
            return exitCode == 0;
        }

        /** A one-line summary for error messages: the command, its exit code and its (trimmed) stderr. */
        String describe() {
            String err = stderr.strip();
            return "'" + String.join(" ", argv) + "' exited with " + exitCode + (err.isEmpty() ? "" : ": " + err);
        }
    }

    private Command() {
    }

    /**
     * Runs {@code argv} in {@code workDir} (null: the JVM's) and waits at most {@code timeout}.
     *
     * @throws IOException when the program cannot be started or does not finish in time
     */
    static Result run(List<String> argv, Path workDir, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process process = pb.start();
        Capture out = new Capture(process.getInputStream());
        Capture err = new Capture(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("'" + String.join(" ", argv) + "' did not finish within " + timeout
                        + " and was killed; stderr: " + err.text().strip());
            }
            return new Result(List.copyOf(argv), process.exitValue(), out.text(), err.text());
        } finally {
            if (process.isAlive()) { // interrupted while waiting
                process.destroyForcibly();
            }
        }
    }

    /** Reads a stream to its end in a virtual thread. */
    private static final class Capture {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread reader;

        Capture(InputStream in) {
            this.reader = Thread.ofVirtual().name("command-output").start(() -> {
                byte[] chunk = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(chunk)) > 0; ) {
                        synchronized (buffer) {
                            if (buffer.size() < MAX_OUTPUT_BYTES) {
                                buffer.write(chunk, 0, Math.min(n, MAX_OUTPUT_BYTES - buffer.size()));
                            }
                        }
                    }
                } catch (IOException e) {
                    // the stream closes when the process is killed; keep what was read
                }
            });
        }

        /** What was read; waits briefly for the reader to reach the end of the stream. */
        String text() throws InterruptedException {
            reader.join(Duration.ofSeconds(5));
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
