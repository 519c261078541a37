package dev.beluga.agent.server;

import dev.beluga.http.WebSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the WebSocket sessions of {@link WebSocketBridge}s share: the client's connection arriving after the runtime's
 * (what the runtime sends meanwhile waits in {@link #client()}), the loop reading the client's data frames
 * ({@link #clientFrame}), and the two ways a session ends:
 *
 * <ul>
 *   <li>{@link #finish()}: the runtime is done. The runtime's connection is closed, the client gets the close frame
 *       (1000), and the client's connection stays open until the client closes it or answers with its own close frame,
 *       at most {@link #FINISH_TIMEOUT}: closing it at once would let the kernel reset it when the client's next frame
 *       arrives (kubectl pings every 5 s), and a reset discards what the client has not read yet. What the client
 *       still sends is discarded. Upstream's API server ends its translated sessions the same way.</li>
 *   <li>{@link #end()}: the client left (end of stream, its close frame, a broken protocol) or something failed: both
 *       connections are closed at once.</li>
 * </ul>
 * Thread-safe.
 */
abstract class WebSocketRelay implements WebSocketBridge.Session {
    private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);
    /** How long a finished session waits for the client to close its connection. */
    static final Duration FINISH_TIMEOUT = Duration.ofMinutes(5);

    private final Closeable runtime;
    private final CompletableFuture<WebSocket> client = new CompletableFuture<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Closeable clientConnection;

    /** @param runtime closes the runtime's side (a SPDY session, or the connection itself) */
    WebSocketRelay(Closeable runtime) {
        this.runtime = runtime;
    }

    @Override
    public final void run(WebSocket ws, Closeable connection) {
        clientConnection = connection;
        if (ended.get()) {
            closeQuietly(connection);
            return;
        }
        try {
            started(ws);
        } catch (IOException e) {
            log.debug("WebSocket session not started: {}", e.toString());
            end();
            return;
        }
        client.complete(ws);
        try {
            for (WebSocket.Frame f; (f = ws.nextDataFrame()) != null; ) {
                if (finishing.get()) continue; // the runtime is done: discard (nextDataFrame skips the payload)
                try {
                    clientFrame(ws, f);
                } catch (RuntimeSideException e) {
                    if (!finishing.get()) throw e.getCause();
                }
            }
        } catch (IOException e) {
            log.debug("WebSocket session ended by the client's side: {}", e.toString());
        } finally {
            end();
        }
    }

    /** The client's connection is open; called before its first frame is read and before {@link #client()} returns. */
    protected void started(WebSocket ws) throws IOException {
    }

    /**
     * A data frame from the client: its payload is read with {@link WebSocket#read}. A failure to pass it to the
     * runtime is wrapped in {@link RuntimeSideException}, which ends the session unless the runtime is already done.
     *
     * @throws IOException reading from the client failed
     */
    protected abstract void clientFrame(WebSocket ws, WebSocket.Frame frame) throws IOException;

    /** The client's end once its connection is open; waits for it. */
    protected final WebSocket client() throws IOException {
        try {
            return client.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the client's connection");
        } catch (ExecutionException e) {
            throw new IOException("the client's connection did not open", e.getCause());
        }
    }

    /** Whether {@link #finish()} or {@link #end()} was called. */
    protected final boolean over() {
        return finishing.get() || ended.get();
    }

    /** The runtime is done: see the class comment. Waits for the client's connection to open. Idempotent. */
    protected final void finish() {
        if (!finishing.compareAndSet(false, true)) return;
        closeQuietly(runtime);
        try {
            WebSocket ws = client();
            ws.sendClose(WebSocket.NORMAL_CLOSURE);
            if (ws.closeReceived()) {
                end();
                return;
            }
        } catch (IOException e) {
            log.debug("WebSocket close frame not sent: {}", e.toString());
            end();
            return;
        }
        CompletableFuture.delayedExecutor(FINISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(this::end);
    }

    /** Closes both sides at once. Idempotent. */
    protected final void end() {
        if (!ended.compareAndSet(false, true)) return;
        client.completeExceptionally(new IOException("session ended"));
        closeQuietly(runtime);
        Closeable c = clientConnection;
        if (c != null) closeQuietly(c);
    }

    @Override
    public final void abort() {
        end();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a WebSocket session's connection: {}", e.toString());
        }
    }

    /** A failure on the runtime's side while passing on what the client sent. */
    static final class RuntimeSideException extends IOException {
        RuntimeSideException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
