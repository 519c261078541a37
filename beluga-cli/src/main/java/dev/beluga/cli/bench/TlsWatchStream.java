package dev.beluga.cli.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One watch of the benchmarks' watchers ({@link WatchFleet}): an HTTP/1.1 GET over its own TLS 1.3 connection, driven through an {@link SSLEngine}
 * on a {@link SocketChannel}. {@link #open} connects, shakes hands, sends the request and reads the answer's head, all
 * blocking; the stream is then switched to non-blocking and read by a {@link WatchReaders} thread with
 * {@link #readAvailable}, which takes as many bytes as the socket holds (several TLS records) in one read — so that a
 * thousand watchers on a 2-core machine cost the server under test little: no thread per watcher to wake, no read per
 * TLS record header, no string decoding (see {@link ChunkedLines}).
 *
 * <p>Threading: {@link #open} on any one thread, then {@link #readAvailable} on one reader thread; {@link #close} from
 * any thread.
 */
final class TlsWatchStream implements Closeable {
    /** Encrypted bytes read at most per socket read: a few records. */
    private static final int NET_BUFFER = 64 * 1024;

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Encrypted bytes read and not yet decrypted, in fill mode (written from position to limit=capacity). */
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ChunkedLines body;

    private TlsWatchStream(SocketChannel channel, SSLEngine engine, ChunkedLines body) {
        this.channel = channel;
        this.engine = engine;
        this.body = body;
        this.netIn = ByteBuffer.allocate(Math.max(NET_BUFFER, engine.getSession().getPacketBufferSize()));
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /**
     * Connects to {@code address}, sends {@code GET path} and checks that the answer is 200 with a chunked body; body
     * bytes that came with the head are decoded at once. The returned stream is non-blocking.
     *
     * @param app a buffer of at least {@link #applicationBufferSize} bytes for decrypted data, used only during the call
     * @throws IOException when the connection, the handshake or the request fails, or the answer is not a chunked 200
     */
    static TlsWatchStream open(SSLContext tls, InetSocketAddress address, String path, ChunkedLines.LineHandler lines, ByteBuffer app)
        throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(address, 5000);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            SSLEngine engine = tls.createSSLEngine(address.getHostString(), address.getPort());
            engine.setUseClientMode(true);
            SSLParameters params = engine.getSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            engine.setSSLParameters(params);
            TlsWatchStream s = new TlsWatchStream(channel, engine, new ChunkedLines(lines));
            s.handshake(app);
            s.send(("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nAccept: application/json\r\nUser-Agent: beluga-bench-watch\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.readHead(app);
            channel.configureBlocking(false);
            return s;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    SocketChannel channel() {
        return channel;
    }

    /** Size of the decrypted-data buffer that {@link #open} and {@link #readAvailable} need. */
    static int applicationBufferSize(SSLContext tls) {
        return tls.createSSLEngine().getSession().getApplicationBufferSize();
    }

    /**
     * Reads what the socket holds, decrypts it and hands its lines over; returns {@link ChunkedLines.Result#MORE}
     * while the stream goes on. Call when the channel is readable.
     *
     * @param app the reader thread's buffer for decrypted data (any content; overwritten)
     * @throws IOException when the connection broke or was closed
     */
    ChunkedLines.Result readAvailable(ByteBuffer app) throws IOException {
        int n = channel.read(netIn);
        if (n < 0) throw new IOException("connection closed by the server");
        return decryptAndDecode(app);
    }

    private ChunkedLines.Result decryptAndDecode(ByteBuffer app) throws IOException {
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                app.clear();
                SSLEngineResult r = engine.unwrap(netIn, app);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) break; // the rest of a record is to come
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new IOException("TLS closed by the server");
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) throw new IOException("application buffer too small");
                runTasksAndAnswer();
                if (app.position() > 0) {
                    ChunkedLines.Result result = body.feed(app.array(), app.arrayOffset(), app.position());
                    if (result != ChunkedLines.Result.MORE) return result;
                }
            }
            return ChunkedLines.Result.MORE;
        } finally {
            netIn.compact();
        }
    }

    /** Post-handshake messages (TLS 1.3 session tickets, key updates) may need a task or an answer. */
    private void runTasksAndAnswer() throws IOException {
        for (SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus(); ; hs = engine.getHandshakeStatus()) {
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                for (Runnable t; (t = engine.getDelegatedTask()) != null; ) t.run();
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                send(new byte[0]);
            } else {
                return;
            }
        }
    }

    private void handshake(ByteBuffer app) throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> send(new byte[0]);
                case NEED_TASK -> {
                    for (Runnable t; (t = engine.getDelegatedTask()) != null; ) t.run();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    app.clear();
                    SSLEngineResult r;
                    try {
                        r = engine.unwrap(netIn, app);
                    } finally {
                        netIn.compact();
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(netIn) < 0)
                        throw new SSLException("connection closed during the handshake");
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("TLS closed during the handshake");
                }
                default -> {
                    return; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    /** Encrypts and writes {@code data} (blocking; the channel is still blocking when this is called with data). */
    private void send(byte[] data) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(data);
        do {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() != SSLEngineResult.Status.OK) throw new SSLException("wrap: " + r.getStatus());
            netOut.flip();
            while (netOut.hasRemaining()) {
                if (channel.write(netOut) == 0) Thread.onSpinWait(); // non-blocking and the socket is full: rare, tiny
            }
        } while (src.hasRemaining());
    }

    /** Reads the answer's status line and headers; body bytes that follow them are decoded. */
    private void readHead(ByteBuffer app) throws IOException {
        StringBuilder head = new StringBuilder();
        boolean headRead = false;
        while (!headRead) {
            if (channel.read(netIn) < 0) throw new IOException("connection closed before the answer");
            netIn.flip();
            try {
                while (netIn.hasRemaining() && !headRead) {
                    app.clear();
                    SSLEngineResult r = engine.unwrap(netIn, app);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) break;
                    if (r.getStatus() != SSLEngineResult.Status.OK) throw new IOException("TLS " + r.getStatus() + " before the answer");
                    runTasksAndAnswer();
                    int len = app.position();
                    int start = head.length();
                    for (int i = 0; i < len; i++) head.append((char) (app.get(i) & 0xff));
                    int headEnd = head.indexOf("\r\n\r\n");
                    if (headEnd < 0) continue;
                    checkHead(head.substring(0, headEnd));
                    headRead = true;
                    int bodyFrom = headEnd + 4 - start; // within this record's decrypted bytes
                    if (bodyFrom < len && body.feed(app.array(), app.arrayOffset() + bodyFrom, len - bodyFrom) != ChunkedLines.Result.MORE)
                        throw new IOException("watch ended at once");
                }
            } finally {
                netIn.compact();
            }
        }
        // records that came with the head's last one
        if (netIn.position() > 0 && decryptAndDecode(app) != ChunkedLines.Result.MORE) throw new IOException("watch ended at once");
    }

    private static void checkHead(String head) throws IOException {
        String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 200")) throw new IOException("watch answered " + lines[0]);
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String h = lines[i];
            if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18) && h.toLowerCase().contains("chunked")) chunked = true;
        }
        if (!chunked) throw new IOException("watch response is not chunked");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
