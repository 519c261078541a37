package dev.beluga.cli.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadinessProbeTest {
    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private SSLServerSocket server;
    private Process sleeper;

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
        if (sleeper != null) sleeper.destroyForcibly();
    }

    /** A TLS server answering /readyz with 503 to the first {@code notReady} requests, then 200. */
    private int serve(int notReady, boolean keepAlive) throws Exception {
        SSLServerSocket listener = ReadinessProbe.loopbackTlsServer();
        server = listener; // the thread keeps its own listener: a later serve() must not hand it the next one
        Thread.ofPlatform().daemon().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    boolean open = true;
                    while (open) {
                        String request = readHead(in);
                        if (request == null) break;
                        // as Jetty: a request asking for it, or a server that does not keep connections, closes
                        open = keepAlive && !request.toLowerCase(java.util.Locale.ROOT).contains("connection: close");
                        boolean ready = requests.incrementAndGet() > notReady;
                        String body = ready ? "ok" : "not ready";
                        String head = "HTTP/1.1 " + (ready ? "200 OK" : "503 Service Unavailable") + "\r\n"
                            + (keepAlive ? "Content-Length: " + body.length() + "\r\n" : "Connection: close\r\n") + "\r\n";
                        out.write((head + body).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException e) {
                    // the client went away, or the socket closed at the end of the test
                }
            }
        });
        return listener.getLocalPort();
    }

    /** A request's head up to its blank line, or null at the end of the stream; also CountingGetTest's. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c, run = 0; run < 4; ) {
            if ((c = in.read()) == -1) return null;
            head.append((char) c);
            run = (c == '\r' || c == '\n') ? run + 1 : 0;
        }
        return head.toString();
    }

    private Process aliveProcess() throws IOException {
        sleeper = new ProcessBuilder("sleep", "60").start();
        return sleeper;
    }

    @Test
    void waitsThroughNotReadyAnswersOnOneKeptAliveConnection() throws Exception {
        int port = serve(3, true);
        long millis = new ReadinessProbe().waitReady(port, System.nanoTime(), Duration.ofSeconds(20), aliveProcess());
        assertThat(millis).isGreaterThanOrEqualTo(0);
        assertThat(requests.get()).isEqualTo(4);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void connectsAgainWhenTheServerClosesAfterEachAnswer() throws Exception {
        int port = serve(2, false);
        new ReadinessProbe().waitReady(port, System.nanoTime(), Duration.ofSeconds(20), aliveProcess());
        assertThat(requests.get()).isEqualTo(3);
        assertThat(connections.get()).isEqualTo(3);
    }

    @Test
    void aServerThatExitsFailsTheWaitWithItsExitCode() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, loopback)) {
            port = free.getLocalPort();
        }
        Process exited = new ProcessBuilder("sh", "-c", "exit 3").start();
        exited.waitFor();
        assertThatThrownBy(() -> new ReadinessProbe().waitReady(port, System.nanoTime(), Duration.ofSeconds(20), exited))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with code 3");
    }

    @Test
    void nothingListeningEndsAtTheLimit() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, loopback)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> new ReadinessProbe().waitReady(port, System.nanoTime(), Duration.ofMillis(300), aliveProcess()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("not ready within");
    }
}
