package dev.beluga.apiserver.kubelet;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action once the client of a long response (a proxied log) goes away, even while nothing is written to it,
 * so that the connection to the kubelet is closed then and not when the next log line fails to reach the client.
 *
 * <p>HTTP/2: Jetty reports the stream reset or the connection's end to the request's failure listener. HTTP/1.1:
 * Jetty reads nothing while a handler runs, so a watchdog (a virtual thread) probes the TLS end point every
 * {@value #PROBE_INTERVAL_MS} ms with a read into a buffer without room, which returns -1 at the end of stream and
 * consumes no application data. (The kubelet's {@code ClientDisconnect} in beluga-agent does the same, polled.)
 *
 * <p>The action runs at most once, on Jetty's or the watchdog's thread. {@link #close()} stops the watchdog and must
 * be called before the response is completed.
 */
final class ClientDisconnect implements AutoCloseable {
    static final long PROBE_INTERVAL_MS = 250;
    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);

    private final Runnable onGone;
    private final AtomicBoolean fired = new AtomicBoolean();
    private final Thread watchdog;
    private volatile boolean closed;

    ClientDisconnect(Request request, Runnable onGone) {
        this.onGone = onGone;
        request.addFailureListener(failure -> fire());
        boolean http1 = request.getConnectionMetaData().getHttpVersion().getVersion() < HttpVersion.HTTP_2.getVersion();
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        watchdog = http1 ? Thread.ofVirtual().name("pod-log-client-watch").start(() -> watch(endPoint)) : null;
    }

    private void watch(EndPoint endPoint) {
        try {
            while (!closed && !fired.get()) {
                Thread.sleep(PROBE_INTERVAL_MS);
                if (closed) return;
                boolean gone;
                try {
                    gone = !endPoint.isOpen() || endPoint.fill(NO_ROOM.duplicate()) < 0;
                } catch (IOException e) {
                    gone = true;
                }
                if (gone) fire();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void fire() {
        if (!closed && fired.compareAndSet(false, true)) onGone.run();
    }

    /** True once the action has run. */
    boolean gone() {
        return fired.get();
    }

    @Override
    public void close() {
        closed = true;
        if (watchdog != null) {
            watchdog.interrupt();
            try {
                watchdog.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
