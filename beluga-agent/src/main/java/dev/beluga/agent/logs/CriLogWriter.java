package dev.beluga.agent.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Turns the bytes of a CRI log file, fed in pieces of any size, into the text the kubelet serves: each entry's text
 * with partial ({@code P}) entries joined to the entry that follows, entries of unselected streams or older than
 * {@code since} left out, malformed entries skipped, an optional timestamp prefix at the start of each line, and
 * output cut at {@code limitBytes}.
 *
 * <p>Streaming: an entry's text is written as it arrives, without waiting for its end, so memory stays at one small
 * header buffer whatever the line length. Nothing is flushed here; the caller decides when. Not thread-safe.
 */
final class CriLogWriter {
    private enum Mode { HEADER, CONTENT, SKIP }

    private final OutputStream out;
    private final LogStream streams;
    private final Instant since;
    private final boolean timestamps;
    private long remaining;

    private Mode mode = Mode.HEADER;
    private final byte[] header = new byte[CriEntryHeader.MAX_LENGTH];
    private int headerLength;
    private int headerSpaces;
    private boolean emitting;
    private boolean partial;
    private boolean entryHasText;
    /** Whether the last entry ended a line (so the next one gets a timestamp prefix), as the kubelet tracks it. */
    private boolean atLineStart = true;

    CriLogWriter(OutputStream out, LogOptions options) {
        this.out = out;
        this.streams = options.stream();
        this.since = options.since();
        this.timestamps = options.timestamps();
        this.remaining = options.limitBytes();
    }

    /**
     * Consumes {@code len} bytes at {@code off}. Returns false once the byte limit is reached: the output is complete
     * and nothing more may be fed.
     *
     * @throws IOException when writing to the output fails (e.g. the client went away)
     */
    boolean write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (mode) {
                case HEADER -> i = header(b, i, end);
                case CONTENT -> i = content(b, i, end);
                case SKIP -> i = skip(b, i, end);
            }
            if (remaining == 0) return false;
        }
        return true;
    }

    private int header(byte[] b, int i, int end) throws IOException {
        while (i < end) {
            byte c = b[i++];
            if (c == '\n') {
                resetHeader(); // a line too short to hold a header: skipped
                return i;
            }
            header[headerLength++] = c;
            if (c == ' ' && ++headerSpaces == 3) {
                startEntry(CriEntryHeader.parse(header, 0, headerLength));
                resetHeader();
                return i;
            }
            if (headerLength == header.length) {
                resetHeader();
                mode = Mode.SKIP;
                return i;
            }
        }
        return i;
    }

    private void resetHeader() {
        headerLength = 0;
        headerSpaces = 0;
    }

    private void startEntry(CriEntryHeader h) throws IOException {
        if (h == null) {
            mode = Mode.SKIP;
            return;
        }
        mode = Mode.CONTENT;
        partial = h.partial();
        entryHasText = false;
        emitting = streams.includes(h.stream()) && (since == null || !h.timestamp().instant().isBefore(since));
        if (emitting && timestamps && atLineStart) emit((h.timestamp().format() + " ").getBytes(StandardCharsets.US_ASCII), 0, -1);
    }

    private int content(byte[] b, int i, int end) throws IOException {
        int nl = i;
        while (nl < end && b[nl] != '\n') nl++;
        if (nl > i) {
            entryHasText = true;
            if (emitting) emit(b, i, nl - i);
        }
        if (nl == end) return end;
        // the entry ends here: a full entry keeps its newline, a partial one continues in the next entry
        if (emitting && !partial && remaining != 0) emit(b, nl, 1);
        atLineStart = !(partial && entryHasText);
        mode = Mode.HEADER;
        return nl + 1;
    }

    private int skip(byte[] b, int i, int end) {
        while (i < end) {
            if (b[i++] == '\n') {
                mode = Mode.HEADER;
                return i;
            }
        }
        return i;
    }

    /** Writes {@code len} bytes at {@code off} (the whole array when len is -1), cut at the byte limit. */
    private void emit(byte[] b, int off, int len) throws IOException {
        if (len < 0) len = b.length - off;
        if (remaining == 0) return;
        if (remaining > 0 && len > remaining) len = (int) remaining;
        out.write(b, off, len);
        if (remaining > 0) remaining -= len;
    }
}
