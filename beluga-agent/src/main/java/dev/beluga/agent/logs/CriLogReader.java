package dev.beluga.agent.logs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Copies a container's CRI log file (lines {@code <RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>}) to an output
 * stream as the kubelet serves it for {@code GET /containerLogs} (upstream {@code kuberuntime/logs.ReadLogs}):
 * partial entries joined, {@link LogOptions} applied, and with {@code follow} new entries copied as the runtime
 * appends them until the container has stopped and the file is exhausted.
 *
 * <p><b>Memory</b> is bounded whatever the file size or line length: one read buffer of {@value #READ_BUFFER} bytes,
 * and {@code tailLines} found by reading backwards from the end ({@link TailFinder}).
 *
 * <p><b>Following</b> polls: at the end of the file it flushes the output, then every poll interval looks for new
 * bytes, for a rotated file (a new file at the path: the rest of the old one is copied, then the new one from its
 * start), for truncation (reading restarts at offset 0), and for cancellation; every running-check interval it asks
 * {@code stillRunning}, and once that says no it copies what remains and returns. Without {@code follow} it copies
 * to the end of the file as it is (with {@code tailLines}: as it was when the tail was found) and returns.
 *
 * <p><b>Threading</b>: {@link #copyTo} blocks the calling thread (a virtual thread suits); one reader may serve any
 * number of calls, one at a time or concurrently (it holds no state between calls). Interrupting the thread ends a
 * follow with {@link InterruptedIOException}. The file is always closed on return.
 */
public final class CriLogReader {
    static final int READ_BUFFER = 32 * 1024;

    /** How often a follower looks for new bytes by default. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
    /** How often a follower asks whether the container still runs by default (upstream checks every few seconds). */
    public static final Duration DEFAULT_RUNNING_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Path path;
    private final LogOptions options;
    private final long pollNanos;
    private final long runningCheckNanos;

    /** A reader with the default poll and running-check intervals. */
    public CriLogReader(Path path, LogOptions options) {
        this(path, options, DEFAULT_POLL_INTERVAL, DEFAULT_RUNNING_CHECK_INTERVAL);
    }

    public CriLogReader(Path path, LogOptions options, Duration pollInterval, Duration runningCheckInterval) {
        this.path = path;
        this.options = options;
        this.pollNanos = pollInterval.toNanos();
        this.runningCheckNanos = runningCheckInterval.toNanos();
    }

    /**
     * Copies the log to {@code out}, flushing it whenever the end of the file is reached (and before returning).
     *
     * @param stillRunning asked (only when following) whether the container still runs; once false the rest of the
     *                     file is copied and the call returns
     * @param cancelled    asked at every poll while following; true ends the call at once (the client went away)
     * @throws LogFileUnavailableException when the file cannot be opened (nothing was written)
     * @throws InterruptedIOException      when the thread was interrupted while following
     * @throws IOException                 when reading fails or writing to {@code out} fails
     */
    public void copyTo(OutputStream out, BooleanSupplier stillRunning, BooleanSupplier cancelled) throws IOException {
        LogFile file = open();
        try {
            long size = file.channel().size();
            file.channel().position(TailFinder.start(file.channel(), size, options.tailLines()));
            long end = !options.follow() && options.tailLines() >= 0 ? size : Long.MAX_VALUE;
            CriLogWriter writer = new CriLogWriter(out, options);
            ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
            boolean lastPass = false;
            long nextRunningCheck = System.nanoTime(); // a stopped container is noticed at the first end of file
            while (true) {
                int n = file.read(buf, end);
                if (n > 0) {
                    if (!writer.write(buf.array(), 0, n)) break;
                    continue;
                }
                if (!options.follow() || lastPass) break;
                out.flush();
                if (cancelled.getAsBoolean()) break;
                LogFile next = file.successor();
                if (next != null) {
                    if (!copyRest(file, writer, buf)) {
                        next.close();
                        break;
                    }
                    file.close();
                    file = next;
                    continue;
                }
                if (file.truncated()) {
                    file.channel().position(0);
                    continue;
                }
                if (System.nanoTime() - nextRunningCheck >= 0) {
                    if (!stillRunning.getAsBoolean()) {
                        lastPass = true;
                        continue;
                    }
                    nextRunningCheck = System.nanoTime() + runningCheckNanos;
                }
                sleep();
            }
            out.flush();
        } finally {
            file.close();
        }
    }

    private LogFile open() throws IOException {
        try {
            return LogFile.open(path.toRealPath());
        } catch (NoSuchFileException e) {
            throw new LogFileUnavailableException("failed to try resolving symlinks in path \"" + path + "\": lstat "
                + (e.getFile() == null ? path : e.getFile()) + ": no such file or directory", e);
        } catch (IOException e) {
            throw new LogFileUnavailableException("failed to open log file \"" + path + "\": " + e.getMessage(), e);
        }
    }

    /** Copies what is left of a rotated file; false when the byte limit was reached. */
    private static boolean copyRest(LogFile file, CriLogWriter writer, ByteBuffer buf) throws IOException {
        int n;
        while ((n = file.read(buf, Long.MAX_VALUE)) > 0) {
            if (!writer.write(buf.array(), 0, n)) return false;
        }
        return true;
    }

    private void sleep() throws InterruptedIOException {
        try {
            Thread.sleep(Duration.ofNanos(pollNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while following " + path);
        }
    }
}
