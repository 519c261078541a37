package dev.beluga.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Serves DNS over TCP (RFC 7766): each connection on its own virtual thread, any number of length-prefixed queries one
 * after the other, closed after {@value #IDLE_MILLIS} ms without a query; at most {@value #MAX_CONNECTIONS} connections.
 *
 * <p>Threading: {@link #start} once, then {@link #close} from any thread; closing closes every open connection.
 */
final class TcpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
    static final int IDLE_MILLIS = 10_000;
    static final int MAX_CONNECTIONS = 1000;

    private final ServerSocket server;
    private final QueryHandler handler;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private Thread acceptor;

    TcpListener(ServerSocket server, QueryHandler handler, ExecutorService threads) {
        this.server = server;
        this.handler = handler;
        this.threads = threads;
    }

    void start() {
        acceptor = Thread.ofVirtual().name("dns-tcp-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (open.size() >= MAX_CONNECTIONS) {
                    s.close();
                    continue;
                }
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                if (server.isClosed()) return;
                log.debug("accept failed: {}", e.toString());
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(IDLE_MILLIS);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            WireQuery scratch = new WireQuery();
            byte[] buf = new byte[WireQuery.TCP_LIMIT];
            while (true) {
                int len;
                try {
                    len = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] query = new byte[len];
                in.readFully(query);
                int n = handler.answerCached(query, len, true, scratch, buf);
                byte[] response = null;
                if (n < 0) {
                    response = handler.answer(query, len, true);
                    if (response == null) return;
                    n = response.length;
                }
                out.write(n >> 8);
                out.write(n);
                out.write(response == null ? buf : response, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            log.debug("TCP connection ended: {}", e.toString());
        } finally {
            open.remove(s);
        }
    }

    /** Closes the listening socket and every connection, and waits for the acceptor. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (acceptor != null) {
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
