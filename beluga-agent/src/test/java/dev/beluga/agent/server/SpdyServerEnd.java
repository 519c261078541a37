package dev.beluga.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdyVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The server end of a SPDY/3.1 session for tests (what a runtime's stream server is to the kubelet), framed by
 * Netty's codec in embedded channels: one decodes, one encodes. Frames come out of {@link #next()} as Netty's frame
 * objects; the caller releases data frames. Reading is for one thread; writes are synchronized.
 */
final class SpdyServerEnd {
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel decoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final EmbeddedChannel encoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final ArrayDeque<Object> decoded = new ArrayDeque<>();

    SpdyServerEnd(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** The next frame from the client, or null at the end of the connection. */
    Object next() throws IOException {
        byte[] buf = new byte[8192];
        while (decoded.isEmpty()) {
            int n = in.read(buf);
            if (n < 0) return null;
            decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
            for (Object f; (f = decoder.readInbound()) != null; ) decoded.add(f);
        }
        return decoded.poll();
    }

    void reply(int streamId) throws IOException {
        write(new DefaultSpdySynReplyFrame(streamId));
    }

    void data(int streamId, String text, boolean fin) throws IOException {
        DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(streamId, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        frame.setLast(fin);
        write(frame);
    }

    void reset(int streamId) throws IOException {
        write(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.CANCEL));
    }

    void goAway() throws IOException {
        write(new DefaultSpdyGoAwayFrame(0));
    }

    private synchronized void write(Object frame) throws IOException {
        encoder.writeOutbound(frame);
        for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
            b.readBytes(out, b.readableBytes());
            b.release();
        }
        out.flush();
    }
}
