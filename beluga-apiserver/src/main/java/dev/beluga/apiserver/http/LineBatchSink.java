package dev.beluga.apiserver.http;

import dev.beluga.apiserver.MultiRecordSslConnectionFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The watch sink of a chunked HTTP response: gathers each frame and its newline in memory and hands a batch to the
 * response in one {@code write} at {@link #flush}, so that a batch of events costs one HTTP chunk and one socket write
 * instead of two writes per event. A batch that outgrows {@link #LIMIT} is written out in parts of at most that size
 * (a frame larger than that alone in one write), so a busy watcher holds at most about that much memory — with a
 * thousand watchers of one busy resource, memory is what the limit is about.
 *
 * <p>Contract with the stream: every {@code write} call reaches the client (the stream does not buffer, as Jetty's
 * {@code Content.Sink.asOutputStream} does not), so the stream's own {@code flush} is never called. Frames are written
 * whole and in order. Not thread-safe: one streaming thread owns it.
 */
final class LineBatchSink implements WatchStreamer.FrameSink {
    private static final int INITIAL = 8 * 1024;
    /**
     * Gathered bytes beyond which the batch is written out before the next frame is added: as many TLS records' worth
     * (16 KiB of data each, less room for the chunk's framing) as the server's TLS layer sends in one socket write.
     */
    static final int LIMIT = MultiRecordSslConnectionFactory.RECORDS_PER_WRITE * 16 * 1024 - 64;

    private final OutputStream out;
    private byte[] buf = new byte[INITIAL];
    private int len;

    LineBatchSink(OutputStream out) {
        this.out = out;
    }

    /** Adds one line; writes out what was gathered first when the line would take the batch beyond the limit. */
    @Override
    public void frame(byte[] json) throws IOException {
        int need = json.length + 1;
        if (len > 0 && len + need > LIMIT) flush();
        if (len + need > buf.length) buf = Arrays.copyOf(buf, Math.max(len + need, Math.min(LIMIT, buf.length * 2)));
        System.arraycopy(json, 0, buf, len, json.length);
        len += json.length;
        buf[len++] = '\n';
    }

    /** Adds one line made of three parts, as {@link #frame(byte[])} would add their concatenation. */
    @Override
    public void frame(byte[] prefix, byte[] body, byte[] suffix) throws IOException {
        int size = prefix.length + body.length + suffix.length;
        int need = size + 1;
        if (len > 0 && len + need > LIMIT) flush();
        if (len + need > buf.length) buf = Arrays.copyOf(buf, Math.max(len + need, Math.min(LIMIT, buf.length * 2)));
        System.arraycopy(prefix, 0, buf, len, prefix.length);
        System.arraycopy(body, 0, buf, len + prefix.length, body.length);
        System.arraycopy(suffix, 0, buf, len + prefix.length + body.length, suffix.length);
        len += size;
        buf[len++] = '\n';
    }

    /** Writes the gathered lines, if any, in one write; blocks until the response took them. */
    @Override
    public void flush() throws IOException {
        if (len == 0) return;
        try {
            out.write(buf, 0, len);
        } finally {
            len = 0;
            if (buf.length > LIMIT) buf = new byte[INITIAL]; // a single frame larger than the limit: let it go
        }
    }
}
