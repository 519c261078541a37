package dev.beluga.agent.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Opens the byte connection to the container runtime's stream server, whose one-time URLs
 * ({@code http://127.0.0.1:<port>/exec/<token>}) the CRI {@code Exec}, {@code Attach} and {@code PortForward} calls
 * return. containerd serves them on the loopback address of its own network namespace, so the agent reaches them
 * with plain TCP ({@link #TCP}) when it shares that namespace (an agent started with its containerd, or inside the
 * node's namespace); an agent whose runtime lives in another namespace needs a dialer that enters it.
 *
 * <p>Called on request threads, concurrently: implementations must be thread-safe.
 */
@FunctionalInterface
public interface StreamDialer {
    /** How long a TCP connect may take (Go's default dialer has no limit; its callers use 30 s). */
    Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Plain TCP in the agent's own network namespace. */
    StreamDialer TCP = (host, port) -> {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new Link() {
            @Override
            public InputStream input() throws IOException {
                return socket.getInputStream();
            }

            @Override
            public OutputStream output() throws IOException {
                return socket.getOutputStream();
            }

            @Override
            public void readTimeout(Duration timeout) throws IOException {
                socket.setSoTimeout((int) timeout.toMillis());
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    };

    /**
     * Connects to {@code host:port}.
     *
     * @throws IOException the connection could not be made (the message says why, e.g. {@code Connection refused})
     */
    Link dial(String host, int port) throws IOException;

    /**
     * An open byte connection. Its streams may be used from two threads at once (one reading, one writing);
     * {@link #close()} releases everything and makes blocked reads and writes fail; it may be called more than once.
     */
    interface Link extends Closeable {
        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        /**
         * Makes reads fail with a {@link java.net.SocketTimeoutException} after {@code timeout} without data
         * ({@link Duration#ZERO}: never), where the connection supports it; the default does nothing.
         */
        default void readTimeout(Duration timeout) throws IOException {
        }
    }
}
