package dev.beluga.agent.logs;

/**
 * The part of a CRI log entry before its text: {@code <timestamp> <stdout|stderr> <tag> }, where the tag is
 * {@code F} (full: the entry ends a line) or {@code P} (partial: the line continues in the next entry), possibly
 * followed by {@code :}-separated extensions, which are ignored as the kubelet does. Immutable.
 *
 * @param timestamp when the runtime wrote the entry
 * @param stream    which output stream it came from
 * @param partial   true for a {@code P} entry
 */
public record CriEntryHeader(CriTimestamp timestamp, LogStream stream, boolean partial) {

    /** The longest header accepted (a timestamp is at most 35 bytes); longer ones make the entry malformed. */
    public static final int MAX_LENGTH = 128;

    /**
     * Finds the end of the header in {@code len} bytes at {@code off}: the index just after the third space, or -1 if
     * there are fewer than three spaces (or a newline comes first).
     */
    public static int end(byte[] b, int off, int len) {
        int spaces = 0;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') return -1;
            if (b[i] == ' ' && ++spaces == 3) return i + 1;
        }
        return -1;
    }

    /**
     * Parses a complete header ({@code len} bytes at {@code off}, ending with the space after the tag), or returns null
     * when it is malformed: an unparsable timestamp or a stream other than stdout/stderr. The kubelet skips such
     * entries.
     */
    public static CriEntryHeader parse(byte[] b, int off, int len) {
        int sp1 = indexOf(b, off, off + len, (byte) ' ');
        if (sp1 < 0) return null;
        int sp2 = indexOf(b, sp1 + 1, off + len, (byte) ' ');
        if (sp2 < 0) return null;
        int sp3 = indexOf(b, sp2 + 1, off + len, (byte) ' ');
        if (sp3 < 0) return null;
        CriTimestamp ts = CriTimestamp.parse(b, off, sp1 - off);
        if (ts == null) return null;
        LogStream stream = streamOf(b, sp1 + 1, sp2 - sp1 - 1);
        if (stream == null) return null;
        int tagEnd = indexOf(b, sp2 + 1, sp3, (byte) ':');
        if (tagEnd < 0) tagEnd = sp3;
        boolean partial = tagEnd - sp2 - 1 == 1 && b[sp2 + 1] == 'P';
        return new CriEntryHeader(ts, stream, partial);
    }

    private static LogStream streamOf(byte[] b, int off, int len) {
        if (len != 6) return null;
        String s = new String(b, off, len, java.nio.charset.StandardCharsets.US_ASCII);
        return switch (s) {
            case "stdout" -> LogStream.STDOUT;
            case "stderr" -> LogStream.STDERR;
            default -> null;
        };
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }
}
