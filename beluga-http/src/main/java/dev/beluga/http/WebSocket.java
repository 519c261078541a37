package dev.beluga.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;

/**
 * The server end of an RFC 6455 WebSocket connection over blocking streams (an {@link UpgradedConnection} after the
 * 101): reads the client's frames and writes the server's, without extensions. Used where the kubelet API answers a
 * WebSocket upgrade itself instead of passing it through (see {@link WebSocketHandshake}).
 *
 * <p>Reading ({@link #nextDataFrame()}, {@link #read}) belongs to one thread. It answers pings with pongs, skips pongs,
 * and ends at the client's close frame (answered with a close frame unless one was sent) or at the end of the stream.
 * Client frames must be masked and must not set reserved bits; control frames must be final and at most 125 bytes;
 * violations send close 1002 and fail the read with a {@link ProtocolException}. Data frame payloads are streamed:
 * a frame's length is not limited.
 *
 * <p>Writing is thread-safe: each frame is written with one {@code write} call under a lock. Nothing is written after
 * the close frame ({@link #sendBinary} then fails).
 */
public final class WebSocket {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;
    /** Close status: normal closure. */
    public static final int NORMAL_CLOSURE = 1000;
    /** Close status: protocol error. */
    public static final int PROTOCOL_ERROR = 1002;

    /**
     * A data frame's header.
     *
     * @param opcode {@link #TEXT}, {@link #BINARY} (a message's first frame) or {@link #CONTINUATION}
     * @param fin    whether the frame ends its message
     * @param length the payload's length
     */
    public record Frame(int opcode, boolean fin, long length) {
        /** Whether this frame starts a message. */
        public boolean first() {
            return opcode != CONTINUATION;
        }
    }

    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private boolean closeSent;
    private volatile boolean closeReceived;
    // the current data frame being read
    private long remaining;
    private final byte[] mask = new byte[4];
    private int maskIndex;
    private boolean inMessage;

    /**
     * @param in  the client's bytes (buffered: headers are read in small pieces)
     * @param out the bytes to the client
     */
    public WebSocket(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Skips what is left of the current frame, then reads up to the next data frame's header, handling control frames
     * on the way.
     *
     * @return the frame, whose payload {@link #read} delivers; null at the client's close frame or end of stream
     * @throws ProtocolException the client broke the protocol (close 1002 was sent)
     */
    public Frame nextDataFrame() throws IOException {
        skipPayload();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) return null;
            int b1 = readByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) throw protocolError("reserved bits set without an extension");
            if ((b1 & 0x80) == 0) throw protocolError("client frame not masked");
            long length = b1 & 0x7F;
            if (length == 126) {
                length = ((long) readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) length = (length << 8) | readByte();
                if (length < 0) throw protocolError("frame length out of range");
            }
            readFully(mask, 4);
            maskIndex = 0;
            remaining = length;
            switch (opcode) {
                case TEXT, BINARY -> {
                    if (inMessage) throw protocolError("new message before the previous one ended");
                    inMessage = !fin;
                    return new Frame(opcode, fin, length);
                }
                case CONTINUATION -> {
                    if (!inMessage) throw protocolError("continuation frame outside a message");
                    inMessage = !fin;
                    return new Frame(opcode, fin, length);
                }
                case PING, PONG, CLOSE -> {
                    if (!fin || length > 125) throw protocolError("control frame fragmented or longer than 125 bytes");
                    byte[] payload = new byte[(int) length];
                    for (int got = 0; got < payload.length; ) got += read(payload, got, payload.length - got);
                    if (opcode == PING) {
                        writeFrame(PONG, null, payload, 0, payload.length, false);
                    } else if (opcode == CLOSE) {
                        closeReceived = true;
                        sendClose(NORMAL_CLOSURE);
                        return null;
                    }
                }
                default -> throw protocolError("unknown opcode " + opcode);
            }
        }
    }

    /**
     * Reads the current data frame's payload, unmasked.
     *
     * @return the number of bytes read, or -1 once the frame's payload is exhausted
     */
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) return -1;
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) throw new EOFException("unexpected EOF in a frame");
        for (int i = off; i < off + n; i++) b[i] ^= mask[maskIndex++ & 3];
        remaining -= n;
        return n;
    }

    /** Whether the client sent its close frame. */
    public boolean closeReceived() {
        return closeReceived;
    }

    /** Sends one binary message (a single frame). */
    public void sendBinary(byte[] data, int off, int len) throws IOException {
        writeFrame(BINARY, null, data, off, len, false);
    }

    /** Sends one binary message (a single frame): {@code prefix} then {@code data[off, off+len)}. */
    public void sendBinary(byte prefix, byte[] data, int off, int len) throws IOException {
        writeFrame(BINARY, new byte[]{prefix}, data, off, len, false);
    }

    /** Sends the close frame with {@code status} once; later calls do nothing. */
    public void sendClose(int status) throws IOException {
        byte[] payload = {(byte) (status >> 8), (byte) status};
        writeFrame(CLOSE, null, payload, 0, 2, true);
    }

    /** Whether the close frame has been sent. */
    public boolean closeSent() {
        synchronized (writeLock) {
            return closeSent;
        }
    }

    private void writeFrame(int opcode, byte[] prefix, byte[] data, int off, int len, boolean closing) throws IOException {
        int p = prefix == null ? 0 : prefix.length;
        long total = (long) p + len;
        int header = total < 126 ? 2 : total <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + (int) total];
        frame[0] = (byte) (0x80 | opcode);
        if (total < 126) {
            frame[1] = (byte) total;
        } else if (total <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (total >> 8);
            frame[3] = (byte) total;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) frame[2 + i] = (byte) (total >> (56 - 8 * i));
        }
        if (p > 0) System.arraycopy(prefix, 0, frame, header, p);
        System.arraycopy(data, off, frame, header + p, len);
        synchronized (writeLock) {
            if (closeSent) {
                if (closing) return;
                throw new IOException("WebSocket close frame already sent");
            }
            if (closing) closeSent = true;
            out.write(frame);
            out.flush();
        }
    }

    private void skipPayload() throws IOException {
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }

    private ProtocolException protocolError(String why) {
        try {
            sendClose(PROTOCOL_ERROR);
        } catch (IOException e) {
            // the client is gone too
        }
        return new ProtocolException("WebSocket protocol error: " + why);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("unexpected EOF in a frame header");
        return b;
    }

    private void readFully(byte[] b, int n) throws IOException {
        if (in.readNBytes(b, 0, n) != n) throw new EOFException("unexpected EOF in a frame header");
    }
}
