package dev.beluga.agent.logs;

import java.time.Instant;

/**
 * What part of a container log to copy and how: the kubelet's reading of PodLogOptions (upstream
 * {@code logs.NewLogOptions}), with {@code sinceSeconds} already turned into an instant. Immutable; build with
 * {@link #all()} and the {@code with...} methods.
 *
 * @param tailLines  only the last this many lines (partial entries joined into one line); -1 for all
 * @param since      skip entries written before this instant; null for none
 * @param timestamps prefix every line with its entry's timestamp and a space
 * @param limitBytes stop after this many bytes of output (prefixes included; the last line may be cut); -1 for none
 * @param follow     keep copying new entries until the container stops
 * @param stream     which streams to copy
 */
public record LogOptions(long tailLines, Instant since, boolean timestamps, long limitBytes, boolean follow, LogStream stream) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a tail below -1, a limit of 0 or below -1, or no stream
     */
    public LogOptions {
        if (tailLines < -1) throw new IllegalArgumentException("tailLines must be -1 (all) or at least 0, not " + tailLines);
        if (limitBytes == 0 || limitBytes < -1) throw new IllegalArgumentException("limitBytes must be -1 (none) or positive, not " + limitBytes);
        if (stream == null) throw new IllegalArgumentException("stream is required");
    }

    /** The whole log of both streams, without timestamps, not following: the defaults. */
    public static LogOptions all() {
        return new LogOptions(-1, null, false, -1, false, LogStream.ALL);
    }

    public LogOptions withTailLines(long n) {
        return new LogOptions(n, since, timestamps, limitBytes, follow, stream);
    }

    public LogOptions withSince(Instant t) {
        return new LogOptions(tailLines, t, timestamps, limitBytes, follow, stream);
    }

    public LogOptions withTimestamps(boolean on) {
        return new LogOptions(tailLines, since, on, limitBytes, follow, stream);
    }

    public LogOptions withLimitBytes(long n) {
        return new LogOptions(tailLines, since, timestamps, n, follow, stream);
    }

    public LogOptions withFollow(boolean on) {
        return new LogOptions(tailLines, since, timestamps, limitBytes, on, stream);
    }

    public LogOptions withStream(LogStream s) {
        return new LogOptions(tailLines, since, timestamps, limitBytes, follow, s);
    }
}
