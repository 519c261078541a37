package dev.beluga.cli.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The server of the watch fan-out floor ({@link WatchFloorBenchmark}): TLS 1.3 on loopback (a throw-away certificate,
 * EC P-256 as Beluga's), answering every request with a chunked 200 whose body is a shared log of event lines. Each
 * connection has a virtual thread that writes, when a shared clock ticks (every linger), all the lines published since
 * its last write as one chunk, encrypted by an {@link SSLEngine} into records (up to four gathered into one direct
 * buffer) and written in one call — what Beluga's API server does for a busy watch stream (see its
 * {@code WatchStreamer} and {@code MultiRecordSslConnectionFactory}), minus everything else: no HTTP server, no request
 * routing, no store, no watch cache, no serialization (the lines are made once, by the publisher). Its rhythm is if
 * anything kinder than the API server's: a write per connection at most once per tick, where the server's busy streams
 * linger between half a linger and a whole one. What a delivered event costs here is about the least that a server on
 * the JDK's TLS pays to deliver it.
 *
 * <p>Threading: one platform thread accepts, one platform thread ticks, one virtual thread per connection writes;
 * {@link #publish} from one thread at a time. {@link #close} from any thread, idempotent.
 */
final class FanOutServer implements Closeable {
    private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    /** Lines per write at most, as the API server's batches. */
    private static final int MAX_BATCH = 256;

    private final SSLContext tls;
    private final ServerSocketChannel server;
    private final byte[][] lines;
    /** How many of {@link #lines} are published; set after the line is stored (a release), read before reading it. */
    private final AtomicInteger published = new AtomicInteger();
    private final long lingerNanos;
    /** The connections' writers, each woken by the clock while it waits for the next tick (not while it does I/O). */
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Thread ticker;
    private volatile boolean closed;

    /**
     * Starts serving.
     *
     * @param capacity    how many lines will be published; a connection's body ends after the last of them
     * @param lingerNanos the clock's period: how long lines may wait to be gathered into one write
     */
    FanOutServer(int capacity, long lingerNanos) throws Exception {
        if (capacity < 1 || lingerNanos < 1) throw new IllegalArgumentException("capacity and linger must be positive");
        this.lines = new byte[capacity][];
        this.lingerNanos = lingerNanos;
        this.tls = ReadinessProbe.loopbackServerContext();
        this.server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        this.acceptor = Thread.ofPlatform().name("fanout-accept").daemon().start(this::accept);
        this.ticker = Thread.ofPlatform().name("fanout-ticker").daemon().start(this::tick);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /** Appends one line (without its newline; one is added) to every connection's body. */
    void publish(byte[] line) {
        int n = published.get();
        if (n == lines.length) throw new IllegalStateException("all " + lines.length + " lines are published");
        byte[] withNewline = java.util.Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        lines[n] = withNewline;
        published.set(n + 1);
    }

    private void accept() {
        while (!closed) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) return;
                // e.g. out of file descriptors: the clients that were refused report it; wait rather than spin
                LockSupport.parkNanos(10_000_000);
                continue;
            }
            open.add(s);
            if (closed) { // close() may have gone through the open sockets already
                closeQuietly(s);
                return;
            }
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    /** One connection: shakes hands, reads the request's head, answers, then writes the log at each tick until its end. */
    private void serve(SocketChannel s) {
        Writer me = new Writer(Thread.currentThread());
        writers.add(me);
        try (s) {
            s.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(s, tls.createSSLEngine());
            c.handshake();
            c.skipRequestHead();
            c.write(ByteBuffer.wrap(HEAD));
            int sent = 0;
            while (!closed) {
                int upTo = Math.min(published.get(), sent + MAX_BATCH);
                if (upTo > sent) {
                    c.write(chunk(lines, sent, upTo));
                    sent = upTo;
                    if (sent == lines.length) {
                        c.write(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                        return;
                    }
                    if (published.get() - sent >= MAX_BATCH) continue; // far behind: no wait
                }
                me.awaitTick();
            }
        } catch (IOException e) {
            // the client went away: nothing more to write
        } finally {
            writers.remove(me);
            open.remove(s);
        }
    }

    /** The clock: wakes the waiting writers once per linger; ticks missed (a pause, a busy machine) are skipped. */
    private void tick() {
        long next = System.nanoTime();
        while (!closed) {
            next += lingerNanos;
            long now = System.nanoTime();
            if (next - now < 0) next = now;
            for (long wait; (wait = next - System.nanoTime()) > 0 && !closed; ) LockSupport.parkNanos(wait);
            for (Writer w : writers) w.wake();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (SocketChannel s : open) closeQuietly(s);
        for (Writer w : writers) LockSupport.unpark(w.thread);
        try {
            acceptor.join(5000);
            ticker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** A connection's writer thread and whether it waits for a tick: only then does the clock wake it. */
    private static final class Writer {
        final Thread thread;
        private volatile boolean waiting;

        Writer(Thread thread) {
            this.thread = thread;
        }

        /** Parks until the clock's next tick (or close); on the writer's own thread. */
        void awaitTick() {
            waiting = true;
            LockSupport.park(this);
            waiting = false;
        }

        /** From the clock: unparks the writer if it waits (a writer that just stopped waiting finds a spare permit). */
        void wake() {
            if (waiting) LockSupport.unpark(thread);
        }
    }

    /** One TLS connection over a blocking channel, on its virtual thread. Not thread-safe. */
    private static final class Connection {
        /** Records encrypted into one buffer before it is written. */
        private static final int RECORDS_PER_WRITE = 4;

        private final SocketChannel channel;
        private final SSLEngine engine;
        private ByteBuffer netIn;
        private final ByteBuffer netOut;
        private ByteBuffer app;

        Connection(SocketChannel channel, SSLEngine engine) {
            this.channel = channel;
            this.engine = engine;
            engine.setUseClientMode(false);
            SSLParameters params = engine.getSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3"});
            engine.setSSLParameters(params);
            int packet = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocate(packet);
            this.netOut = ByteBuffer.allocateDirect(packet * RECORDS_PER_WRITE); // direct: written without a copy
            this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> write(ByteBuffer.allocate(0));
                    case NEED_TASK -> {
                        for (Runnable t; (t = engine.getDelegatedTask()) != null; ) t.run();
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapSome();
                    default -> {
                        return; // FINISHED or NOT_HANDSHAKING
                    }
                }
            }
        }

        /** Reads and decrypts until the blank line that ends a request's head has been seen. */
        void skipRequestHead() throws IOException {
            for (int run = 0, seen = 0; run < 4; ) {
                if (seen == app.position()) {
                    app.clear();
                    seen = 0;
                    unwrapSome();
                    continue;
                }
                byte b = app.get(seen++);
                run = b == '\r' || b == '\n' ? run + 1 : 0;
            }
        }

        /** Unwraps what netIn holds, reading from the channel first when it holds no whole record. */
        private void unwrapSome() throws IOException {
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, app);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) netIn = ByteBuffer.allocate(netIn.capacity() * 2).put(netIn.flip());
                    if (channel.read(netIn) < 0) throw new SSLException("connection closed by the client");
                }
                case BUFFER_OVERFLOW -> app = ByteBuffer.allocate(app.capacity() * 2).put(app.flip());
                case CLOSED -> throw new SSLException("TLS closed by the client");
                default -> {
                    // OK
                }
            }
        }

        /**
         * Encrypts {@code data} (gathered from its buffers, which it consumes) into records, up to
         * {@link #RECORDS_PER_WRITE} to a direct buffer, and writes each buffer in one call.
         */
        void write(ByteBuffer... data) throws IOException {
            int packet = engine.getSession().getPacketBufferSize();
            netOut.clear();
            while (true) {
                SSLEngineResult r = engine.wrap(data, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK) throw new SSLException("wrap: " + r.getStatus());
                boolean more = hasRemaining(data);
                if (more && r.bytesConsumed() == 0 && r.bytesProduced() == 0) throw new SSLException("wrap made no progress");
                if (netOut.remaining() < packet || !more) {
                    netOut.flip();
                    while (netOut.hasRemaining()) channel.write(netOut);
                    netOut.clear();
                }
                if (!more) return;
            }
        }

        private static boolean hasRemaining(ByteBuffer[] buffers) {
            for (ByteBuffer b : buffers) if (b.hasRemaining()) return true;
            return false;
        }
    }

    /** {@code lines[from, to)} framed as one HTTP chunk: its size line, the lines (shared, not copied), its end. */
    private static ByteBuffer[] chunk(byte[][] lines, int from, int to) {
        ByteBuffer[] parts = new ByteBuffer[to - from + 2];
        int size = 0;
        for (int i = from; i < to; i++) {
            parts[i - from + 1] = ByteBuffer.wrap(lines[i]);
            size += lines[i].length;
        }
        parts[0] = ByteBuffer.wrap((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        parts[parts.length - 1] = ByteBuffer.wrap(CRLF);
        return parts;
    }
}
