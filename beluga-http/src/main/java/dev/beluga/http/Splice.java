package dev.beluga.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies bytes both ways between two connections, each chunk written as soon as it is read, until either direction
 * ends (end of stream or an error); then closes both connections, which ends the other direction too. That is what
 * upstream's {@code UpgradeAwareHandler} does once an upgrade succeeded: the protocols spoken over it (SPDY/3.1,
 * WebSocket) end with their own close frames, so no half-close needs to be carried across.
 *
 * <p>Each direction runs on a virtual thread of its own; {@link #done()} completes when both have ended and both
 * connections are closed.
 *
 * <p>Used by both hops of an upgraded request: the API server's kubelet proxy and the kubelet API.
 */
public final class Splice {
    private static final Logger log = LoggerFactory.getLogger(Splice.class);
    private static final int CHUNK = 16 * 1024;

    private final Closeable a;
    private final Closeable b;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> aToB = new CompletableFuture<>();
    private final CompletableFuture<Void> bToA = new CompletableFuture<>();

    private Splice(Closeable a, Closeable b) {
        this.a = a;
        this.b = b;
    }

    /**
     * Starts copying {@code aIn → bOut} and {@code bIn → aOut}.
     *
     * @param name for the threads' names
     * @param a    closes the first connection (whose streams are {@code aIn}, {@code aOut})
     * @param b    closes the second connection
     */
    public static Splice start(String name, InputStream aIn, OutputStream aOut, Closeable a, InputStream bIn, OutputStream bOut, Closeable b) {
        Splice s = new Splice(a, b);
        Thread.ofVirtual().name(name + "-up").start(() -> s.copy(aIn, bOut, s.aToB));
        Thread.ofVirtual().name(name + "-down").start(() -> s.copy(bIn, aOut, s.bToA));
        return s;
    }

    /** Completes when both directions have ended and both connections are closed. */
    public CompletableFuture<Void> done() {
        return CompletableFuture.allOf(aToB, bToA);
    }

    private void copy(InputStream in, OutputStream out, CompletableFuture<Void> finished) {
        byte[] buf = new byte[CHUNK];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            log.debug("stream copy ended: {}", e.toString());
        } finally {
            closeBoth();
            finished.complete(null);
        }
    }

    private void closeBoth() {
        if (!closed.compareAndSet(false, true)) return;
        closeQuietly(a);
        closeQuietly(b);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a spliced connection: {}", e.toString());
        }
    }
}
