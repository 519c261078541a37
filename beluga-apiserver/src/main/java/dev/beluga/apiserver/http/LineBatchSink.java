package dev.beluga.apiserver.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The watch sink of a chunked HTTP response: gathers each frame and its newline in memory and hands a whole batch to
 * the response in one {@code write} at {@link #flush}, so that a batch of events costs one HTTP chunk, one TLS record
 * and one socket write instead of two writes per event.
 *
 * <p>Contract with the stream: every {@code write} call reaches the client (the stream does not buffer, as Jetty's
 * {@code Content.Sink.asOutputStream} does not), so the stream's own {@code flush} is never called. Not thread-safe:
 * one streaming thread owns it.
 */
final class LineBatchSink implements WatchStreamer.FrameSink {
    private static final int INITIAL = 16 * 1024;
    /** A buffer grown beyond this by a large batch is let go after it was sent. */
    private static final int KEEP_AT_MOST = 1024 * 1024;

    private final OutputStream out;
    private byte[] buf = new byte[INITIAL];
    private int len;

    LineBatchSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void frame(byte[] json) {
        int need = len + json.length + 1;
        if (need > buf.length) buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        System.arraycopy(json, 0, buf, len, json.length);
        len += json.length;
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
            if (buf.length > KEEP_AT_MOST) buf = new byte[INITIAL];
        }
    }
}
