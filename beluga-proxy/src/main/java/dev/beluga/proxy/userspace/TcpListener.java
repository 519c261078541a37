package dev.beluga.proxy.userspace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP entry into a Service port: accepts connections, connects each to a backend and copies bytes both ways until
 * both directions have ended, passing a half-close (end of stream one way) on to the other side.
 *
 * <p>A backend that refuses the connection or does not answer within the dial timeout is skipped for the next one,
 * at most once per dial timeout (the timeouts grow, as upstream's 250 ms, 500 ms, 1 s, 2 s). With no backend, the
 * client's connection is reset at once.
 *
 * <p>Threads: one virtual thread accepting; per connection, one virtual thread per direction.
 */
final class TcpListener extends Listener {
    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
    private static final int BACKLOG = 512;
    private static final int CHUNK = 16 * 1024;

    private final List<Duration> dialTimeouts;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket server;

    TcpListener(ListenKey key, Balancer balancer, List<Duration> dialTimeouts) {
        super(key, balancer);
        this.dialTimeouts = dialTimeouts;
    }

    @Override
    void open() throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(bindAddress(), BACKLOG);
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
        server = s;
        loop = Thread.ofVirtual().name("userspace-accept " + key).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) return;
                log.warn("{}: accept failed: {}", key, e.toString());
                if (!pause()) return;
                continue;
            }
            if (track(client)) Thread.ofVirtual().name("userspace-conn " + key).start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket backend = null;
        try {
            backend = dial(client);
            if (backend == null) {
                reset(client);
                return;
            }
            splice(client, backend);
        } finally {
            release(client);
            if (backend != null) release(backend);
        }
    }

    /** A connected socket to a backend, or null when none could be reached. */
    private Socket dial(Socket client) {
        Set<InetSocketAddress> failed = new HashSet<>();
        for (Duration timeout : dialTimeouts) {
            Balancer b = balancer;
            InetSocketAddress target = b.pick(client.getInetAddress(), failed);
            if (target == null && !failed.isEmpty()) { // every backend failed once: try them again, waiting longer
                failed.clear();
                target = b.pick(client.getInetAddress(), failed);
            }
            if (target == null) return null;
            Socket s = new Socket();
            if (!track(s)) return null;
            try {
                s.connect(target, (int) timeout.toMillis());
                return s;
            } catch (IOException e) {
                log.debug("{}: backend {} failed: {}", key, target, e.toString());
                release(s);
                failed.add(target);
            }
        }
        return null;
    }

    private void splice(Socket client, Socket backend) {
        Thread down = Thread.ofVirtual().name("userspace-conn " + key).start(() -> pump(backend, client));
        pump(client, backend);
        try {
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies {@code from → to} until end of stream, then half-closes {@code to}; on an error, closes both. */
    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Closes with RST, so that the client sees the connection refused rather than served empty. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            log.debug("SO_LINGER: {}", e.toString());
        }
        closeQuietly(s);
    }

    /** Registers a socket for {@link #close()}; false (and the socket closed) when the listener is closed already. */
    private boolean track(Socket s) {
        sockets.add(s);
        if (!closed) return true;
        release(s);
        return false;
    }

    private void release(Socket s) {
        closeQuietly(s);
        sockets.remove(s);
    }

    @Override
    void closeSockets() {
        if (server != null) closeQuietly(server);
        for (Socket s : sockets) release(s);
    }

    /** Waits a little after an accept failure (e.g. out of file descriptors); false when interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
