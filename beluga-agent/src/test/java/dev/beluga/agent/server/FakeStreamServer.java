package dev.beluga.agent.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stand-in for a runtime's stream server on 127.0.0.1 (plain HTTP/1.1, one thread per connection), answering by the
 * last path segment (without a {@code token-} prefix):
 * <ul>
 *   <li>{@code echo}: 101 with SPDY upgrade headers, then every byte back until the client closes
 *       ({@link #echoEnded} counts down then);</li>
 *   <li>{@code greet}: 101, {@code hello}, then it closes the connection;</li>
 *   <li>{@code forbidden}: {@code 403 Forbidden} without body or length, then close (golang.org/x/net/websocket's
 *       answer to an unsupported subprotocol);</li>
 *   <li>{@code gone}: 500 with a text body and {@code Content-Length};</li>
 *   <li>{@code chunked}: 404 with a chunked body;</li>
 *   <li>anything else: 200 with an empty body.</li>
 * </ul>
 * Every request head is recorded in {@link #heads}.
 */
final class FakeStreamServer implements AutoCloseable {
    private final ServerSocket server;
    final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    final CountDownLatch echoEnded = new CountDownLatch(1);

    FakeStreamServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("fake-stream-server").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            heads.add(head);
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/1.1"));
            String last = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\?.*", "").replaceFirst("^token-", "");
            switch (last) {
                case "echo" -> {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                        + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    byte[] buf = new byte[8192];
                    try {
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } finally {
                        echoEnded.countDown();
                    }
                }
                case "greet" -> {
                    out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\nhello"
                        .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                case "forbidden" -> out.write("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                case "gone" -> out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 14\r\n\r\ncontainer gone").getBytes(StandardCharsets.ISO_8859_1));
                case "chunked" -> out.write(("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nno s\r\n6\r\nuch id\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                default -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (IOException e) {
            // the proxy closed the connection
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("EOF in request head");
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
