package dev.beluga.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client end of a SPDY/3.1 session over a byte connection, as Kubernetes clients speak it to a container runtime's
 * stream server (moby/spdystream on the other end): the client opens streams with SYN_STREAM (odd ids from 1, a header
 * block naming the stream's role), the server answers each with SYN_REPLY; data frames go both ways, FIN half-closes
 * a direction, RST_STREAM ends a stream; the server's PINGs are answered; GOAWAY ends the session. There is no flow
 * control: spdystream neither sends nor obeys WINDOW_UPDATE, so none is sent and received ones are ignored.
 *
 * <p>The framing, including the zlib-compressed header blocks with SPDY/3's dictionary, is Netty's
 * {@link SpdyFrameCodec}, run in two {@link EmbeddedChannel}s: one only decodes (on the reader thread), the other only
 * encodes (under the write lock); each keeps its own compression context, as each direction of a session does.
 *
 * <p>Threading: {@link #open} and {@link #send} may be called from any thread (writes are serialized);
 * {@link #start} starts one virtual thread that reads frames and calls the {@link Listener} in frame order.
 */
final class SpdySession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(SpdySession.class);
    private static final int READ_BUFFER = 16 * 1024;

    /** Receives what the runtime sends, in order, on the session's reader thread. */
    interface Listener {
        /** The SYN_REPLY of a stream this end opened. */
        void replied(int streamId);

        /** Data on a stream; may block (the session's reading waits). */
        void data(int streamId, byte[] data, int off, int len) throws IOException;

        /** The runtime is done sending on the stream (FIN) or reset it; may come more than once per stream. */
        void streamEnded(int streamId);

        /** The session ended: GOAWAY or the end of the connection (cause null), or a failure. Called once, last. */
        void sessionEnded(Throwable cause);
    }

    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final EmbeddedChannel decoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final EmbeddedChannel encoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private int nextStreamId = 1; // guarded by writeLock

    /**
     * @param in         the runtime's bytes after its 101 (buffered)
     * @param out        the bytes to the runtime
     * @param connection closes the connection ({@link #close()})
     */
    SpdySession(InputStream in, OutputStream out, Closeable connection) {
        this.in = in;
        this.out = out;
        this.connection = connection;
    }

    /**
     * Opens a stream: SYN_STREAM with {@code headers} (names lower-case, as SPDY/3 wants them).
     *
     * @return the stream's id
     */
    int open(Map<String, String> headers) throws IOException {
        writeLock.lock();
        try {
            int id = nextStreamId;
            nextStreamId += 2;
            SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
            headers.forEach((k, v) -> syn.headers().add(k, v));
            write(syn);
            return id;
        } finally {
            writeLock.unlock();
        }
    }

    /** Sends {@code data[off, off+len)} on a stream; {@code fin} half-closes it (an empty frame just closes). */
    void send(int streamId, byte[] data, int off, int len, boolean fin) throws IOException {
        SpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data, off, len));
        frame.setLast(fin);
        writeLocked(frame);
    }

    /** Starts reading the runtime's frames on a virtual thread; {@code listener} hears them. */
    void start(Listener listener) {
        Thread.ofVirtual().name("spdy-session").start(() -> read(listener));
    }

    private void read(Listener listener) {
        Throwable cause = null;
        byte[] buf = new byte[READ_BUFFER];
        try {
            reading:
            for (int n; (n = in.read(buf)) >= 0; ) {
                decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n)); // the decoder may keep the bytes of a partial frame
                for (Object frame; (frame = decoder.readInbound()) != null; ) {
                    try {
                        if (!dispatch(frame, listener)) break reading;
                    } finally {
                        ReferenceCountUtil.release(frame);
                    }
                }
            }
        } catch (Exception e) { // IOException, or the codec's SpdyProtocolException (rethrown by the embedded channel)
            if (!closing.get()) cause = e;
        } finally {
            decoder.finishAndReleaseAll();
            try {
                listener.sessionEnded(cause);
            } catch (RuntimeException e) {
                log.debug("SPDY session listener failed at the end: {}", e.toString());
            }
        }
    }

    /** Handles one frame; false once the session is over (GOAWAY). */
    private boolean dispatch(Object frame, Listener listener) throws IOException {
        switch (frame) {
            case SpdyDataFrame d -> {
                ByteBuf content = d.content();
                if (content.isReadable()) {
                    byte[] bytes = new byte[content.readableBytes()];
                    content.readBytes(bytes);
                    listener.data(d.streamId(), bytes, 0, bytes.length);
                }
                if (d.isLast()) listener.streamEnded(d.streamId());
            }
            case SpdySynReplyFrame r -> {
                listener.replied(r.streamId());
                if (r.isLast()) listener.streamEnded(r.streamId());
            }
            case SpdyRstStreamFrame r -> listener.streamEnded(r.streamId());
            case SpdySynStreamFrame s -> {
                // the runtime's protocols never open streams towards the client
                writeLocked(new DefaultSpdyRstStreamFrame(s.streamId(), SpdyStreamStatus.REFUSED_STREAM));
            }
            case SpdyHeadersFrame h -> {
                if (h.isLast()) listener.streamEnded(h.streamId());
            }
            case SpdyPingFrame p -> {
                if ((p.id() & 1) == 0) { // the runtime's own ping (a client's ids are odd): answer it
                    writeLocked(new DefaultSpdyPingFrame(p.id()));
                }
            }
            case SpdyGoAwayFrame g -> {
                return false;
            }
            default -> {
                // SETTINGS, WINDOW_UPDATE: nothing to do without flow control
            }
        }
        return true;
    }

    private void writeLocked(Object frame) throws IOException {
        writeLock.lock();
        try {
            write(frame);
        } finally {
            writeLock.unlock();
        }
    }

    /** Encodes and writes one frame; the caller holds the write lock. */
    private void write(Object frame) throws IOException {
        if (closed) {
            ReferenceCountUtil.release(frame);
            throw new IOException("SPDY session closed");
        }
        encoder.writeOutbound(frame);
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            try {
                b.readBytes(out, b.readableBytes());
            } finally {
                b.release();
            }
        }
        out.flush();
    }

    /**
     * Says GOAWAY (unless a write is under way) and closes the connection; the reader thread then ends, blocked writes
     * fail. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        if (writeLock.tryLock()) {
            try {
                write(new DefaultSpdyGoAwayFrame(0));
            } catch (IOException | RuntimeException e) {
                log.debug("SPDY GOAWAY not sent: {}", e.toString());
            } finally {
                writeLock.unlock();
            }
        }
        closed = true;
        try {
            connection.close();
        } catch (IOException e) {
            log.debug("closing the SPDY session's connection: {}", e.toString());
        }
        writeLock.lock();
        try {
            encoder.finishAndReleaseAll();
        } finally {
            writeLock.unlock();
        }
    }
}
