package dev.beluga.agent.server;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Tells whether the client of a long response (a followed log) has gone away while nothing is being written to it.
 *
 * <p>HTTP/2: the stream reset or the connection's end reaches Jetty, which reports it to the request's failure
 * listener. HTTP/1.1: Jetty reads nothing while a handler runs, so a closed connection would go unnoticed until the
 * next write fails (and a follower with nothing to write would keep its file open until the container stops); so
 * {@link #isGone()} also probes the TLS end point with a read into a buffer without room, which returns -1 at the
 * end of stream without consuming application data. (A cleartext end point cannot be probed that way; this server
 * only speaks TLS.)
 *
 * <p>Thread-safe; probing is rate-limited to once per {@value #PROBE_INTERVAL_MS} ms.
 */
final class ClientDisconnect {
    static final long PROBE_INTERVAL_MS = 250;
    private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);

    private final Request request;
    private final boolean probe;
    private volatile boolean gone;
    private volatile long nextProbe;

    ClientDisconnect(Request request) {
        this.request = request;
        this.probe = request.getConnectionMetaData().getHttpVersion().getVersion() < HttpVersion.HTTP_2.getVersion();
        request.addFailureListener(failure -> gone = true);
    }

    /** True once the client is known to have gone away. */
    boolean isGone() {
        if (gone || !probe) return gone;
        long now = System.currentTimeMillis();
        if (now < nextProbe) return false;
        nextProbe = now + PROBE_INTERVAL_MS;
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        try {
            synchronized (this) {
                if (!endPoint.isOpen() || endPoint.fill(NO_ROOM.duplicate()) < 0) gone = true;
            }
        } catch (IOException e) {
            gone = true;
        }
        return gone;
    }
}
