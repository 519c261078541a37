package dev.beluga.http;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.FutureCallback;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/1.1 connection of a request answered with {@code 101 Switching Protocols}, taken over from Jetty: after
 * the 101 the bytes in both directions belong to the protocol the two ends agreed on (SPDY/3.1, WebSocket), and this
 * connection offers them as blocking streams, without looking at them.
 *
 * <p>Lifecycle: the handler creates it and sets it as the request attribute
 * {@link org.eclipse.jetty.server.HttpStream#UPGRADE_CONNECTION_ATTRIBUTE}, writes the 101 response and completes the
 * request; Jetty then replaces its HTTP connection with this one on the same end point ({@code EndPoint.upgrade}),
 * handing over the bytes its parser had already read beyond the request ({@link #onUpgradeTo}), which {@link #input()}
 * delivers first, and calls {@link #onOpen()}, which completes {@link #opened()}. If the request fails before that
 * (the client left while the 101 was written), the connection is never opened: its owner must not wait forever.
 *
 * <p>Threading: {@link #input()} and {@link #output()} block; each may be used by one thread at a time, the two
 * concurrently. Reads wait for Jetty's fill-interest callback, writes for the write callback (Jetty's threads
 * complete both). {@link #close()} (or the end point's idle timeout, set in {@link #onOpen()}) closes the end point:
 * TLS close_notify and the socket; blocked reads and writes then fail. Idempotent.
 *
 * <p>Used by both hops of an upgraded request: the API server's kubelet proxy and the kubelet API.
 */
public final class UpgradedConnection extends AbstractConnection implements Connection.UpgradeTo {
    private static final int BUFFER = 16 * 1024;

    private final Duration idleTimeout;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile CompletableFuture<Void> readable;
    private ByteBuffer carried;
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    /**
     * @param endPoint    the request's end point (the decrypted one under TLS)
     * @param idleTimeout how long the upgraded connection may stay without traffic in either direction
     */
    public UpgradedConnection(EndPoint endPoint, Executor executor, Duration idleTimeout) {
        super(endPoint, executor);
        this.idleTimeout = idleTimeout;
    }

    /** Completes once Jetty has installed this connection on the end point. */
    public CompletableFuture<Void> opened() {
        return opened;
    }

    /** The bytes the client sends after the 101; -1 at its end of stream (or after {@link #close()}). */
    public InputStream input() {
        return input;
    }

    /** Bytes to the client; each write blocks until the end point has taken all of it. */
    public OutputStream output() {
        return output;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        if (buffer != null && buffer.hasRemaining()) {
            carried = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        getEndPoint().setIdleTimeout(idleTimeout.toMillis());
        opened.complete(null);
    }

    @Override
    public void onFillable() {
        CompletableFuture<Void> r = readable;
        if (r != null) r.complete(null);
    }

    @Override
    public void onFillInterestedFailed(Throwable cause) {
        CompletableFuture<Void> r = readable;
        if (r != null) r.completeExceptionally(cause);
        getEndPoint().close(cause);
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        CompletableFuture<Void> r = readable;
        if (r != null) r.completeExceptionally(cause != null ? cause : new EOFException("connection closed"));
        opened.completeExceptionally(new EOFException("connection closed before it was opened"));
    }

    @Override
    public void close() {
        getEndPoint().close();
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        ByteBuffer c = carried;
        if (c != null && c.hasRemaining()) {
            int n = Math.min(len, c.remaining());
            c.get(b, off, n);
            return n;
        }
        ByteBuffer target = ByteBuffer.wrap(b, off, Math.min(len, BUFFER)).slice().limit(0); // fill mode: append after limit
        while (true) {
            int n = getEndPoint().fill(target);
            if (n != 0) return n;
            CompletableFuture<Void> r = new CompletableFuture<>();
            readable = r;
            fillInterested();
            awaitReadable(r);
        }
    }

    /**
     * Waits for the fill-interest callback; checks every second that the end point is still open, so that a close
     * racing with the registration cannot leave the reader waiting (the idle timeout bounds the wait otherwise).
     */
    private void awaitReadable(CompletableFuture<Void> r) throws IOException {
        while (true) {
            try {
                r.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                if (!getEndPoint().isOpen()) throw new EOFException("connection closed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) return;
        FutureCallback done = new FutureCallback();
        getEndPoint().write(done, ByteBuffer.wrap(b, off, len));
        Futures.await(done);
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return UpgradedConnection.this.read(b, off, len);
        }

        @Override
        public void close() {
            UpgradedConnection.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            UpgradedConnection.this.write(b, off, len);
        }

        @Override
        public void close() {
            UpgradedConnection.this.close();
        }
    }
}
