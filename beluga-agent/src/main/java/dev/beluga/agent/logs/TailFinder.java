package dev.beluga.agent.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Finds where the last N lines of a CRI log file start, reading backwards from the end in blocks of {@value #BLOCK}
 * bytes, so that tailing a huge file reads (and holds) only what the last lines need.
 *
 * <p>A line is a run of partial ({@code P}) entries ended by a full ({@code F}) entry, or a run of partial entries at
 * the very end of the file (a line still being written). Malformed entries are not lines (the reader skips them too).
 * Upstream's kubelet counts file lines instead, so that a long line split into partial entries counts several times;
 * counting joined lines is what a reader of the output expects.
 *
 * <p>Not thread-safe: one instance reads one channel once.
 */
final class TailFinder {
    static final int BLOCK = 64 * 1024;

    private final SeekableByteChannel channel;
    private final byte[] block = new byte[BLOCK];
    private long blockStart;
    private long blockEnd;
    private final byte[] header = new byte[CriEntryHeader.MAX_LENGTH];

    private TailFinder(SeekableByteChannel channel) {
        this.channel = channel;
    }

    /**
     * The offset in {@code channel} at which the last {@code lines} lines of its first {@code size} bytes start:
     * {@code size} for 0 lines, 0 when there are fewer lines. Moves the channel's position.
     */
    static long start(SeekableByteChannel channel, long size, long lines) throws IOException {
        if (lines < 0) return 0;
        if (lines == 0) return size;
        return new TailFinder(channel).find(size, lines);
    }

    private long find(long size, long lines) throws IOException {
        long ends = 0;
        boolean sawEntry = false;
        long lineEnd = size;
        while (lineEnd > 0) {
            long lineStart = lastNewlineBefore(lineEnd - 1) + 1;
            CriEntryHeader entry = header(lineStart, lineEnd);
            if (entry != null) {
                if (!sawEntry && entry.partial()) ends = 1; // an unfinished line at the end counts as one
                sawEntry = true;
                if (!entry.partial()) {
                    if (ends == lines) return lineEnd;
                    ends++;
                }
            }
            lineEnd = lineStart;
        }
        return 0;
    }

    /** The position of the last newline in [0, before), or -1. */
    private long lastNewlineBefore(long before) throws IOException {
        long p = before - 1;
        while (p >= 0) {
            if (p < blockStart || p >= blockEnd) load(p + 1);
            for (int i = (int) (p - blockStart); i >= 0; i--) if (block[i] == '\n') return blockStart + i;
            p = blockStart - 1;
        }
        return -1;
    }

    /** Loads the block that ends at {@code end} (exclusive). */
    private void load(long end) throws IOException {
        long start = Math.max(0, end - BLOCK);
        readFully(start, block, (int) (end - start));
        blockStart = start;
        blockEnd = end;
    }

    private CriEntryHeader header(long start, long end) throws IOException {
        int len = (int) Math.min(CriEntryHeader.MAX_LENGTH, end - start);
        if (len <= 0) return null;
        if (start >= blockStart && start + len <= blockEnd) {
            System.arraycopy(block, (int) (start - blockStart), header, 0, len);
        } else {
            len = readFully(start, header, len);
        }
        int headerEnd = CriEntryHeader.end(header, 0, len);
        return headerEnd < 0 ? null : CriEntryHeader.parse(header, 0, headerEnd);
    }

    private int readFully(long position, byte[] into, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into, 0, len);
        channel.position(position);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) break;
        }
        return buf.position();
    }
}
