package dev.beluga.agent.server;

import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>{@code spdy-cat}: 101 for SPDY {@code v4.channel.k8s.io}, then a remote command session as containerd's
 *       (replies to every stream): stdin comes back on stdout, resize messages on stdout as {@code resize <json>};
 *       stdin's end (FIN) ends the command: {@link #SUCCESS} on the error stream, every stream reset, GOAWAY;</li>
 *   <li>{@code spdy-exit3}: the same, but once the error, stdout and stderr streams are there: {@code out} on stdout,
 *       {@code err} on stderr, {@link #EXIT_3} on the error stream, resets, GOAWAY;</li>
 *   <li>{@code spdy-goaway}: 101, then GOAWAY at the first SYN_STREAM, before any reply;</li>
 *   <li>{@code tunnel}: 101 for SPDY {@code portforward.k8s.io}, then every byte back until {@code bye} arrives,
 *       which is answered with {@code bye} and the connection's end;</li>
 *   <li>anything else: 200 with an empty body.</li>
 * </ul>
 * Every request head is recorded in {@link #heads}; what happens in SPDY sessions in {@link #spdyEvents}
 * ({@code syn <id> <type>}, {@code data <type> <text>}, {@code fin <type>}, {@code goaway}, {@code eof}).
 */
final class FakeStreamServer implements AutoCloseable {
    private final ServerSocket server;
    final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    final CountDownLatch echoEnded = new CountDownLatch(1);
    final BlockingQueue<String> spdyEvents = new LinkedBlockingQueue<>();
    static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";
    static final String EXIT_3 = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
        + "exit status 3\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}";

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
                case "spdy-cat", "spdy-exit3" -> {
                    upgrade(out, "v4.channel.k8s.io");
                    remoteCommand(new SpdyServerEnd(in, out), last.equals("spdy-exit3"));
                }
                case "spdy-goaway" -> {
                    upgrade(out, "v4.channel.k8s.io");
                    SpdyServerEnd spdy = new SpdyServerEnd(in, out);
                    ReferenceCountUtil.release(spdy.next()); // the first SYN_STREAM
                    spdy.goAway();
                    for (Object f; (f = spdy.next()) != null; ) ReferenceCountUtil.release(f);
                }
                case "tunnel" -> {
                    upgrade(out, "portforward.k8s.io");
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        if (new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("bye")) {
                            out.write("bye".getBytes(StandardCharsets.ISO_8859_1));
                            break;
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
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

    private static void upgrade(OutputStream out, String protocol) throws IOException {
        out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: "
            + protocol + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A remote command session as containerd's stream server runs it; see the class comment. */
    private void remoteCommand(SpdyServerEnd spdy, boolean exit3) throws IOException {
        Map<String, Integer> streams = new HashMap<>();
        for (Object f; (f = spdy.next()) != null; ) {
            try {
                if (f instanceof SpdySynStreamFrame syn) {
                    String type = syn.headers().getAsString("streamtype");
                    streams.put(type, syn.streamId());
                    spdyEvents.add("syn " + syn.streamId() + " " + type);
                    spdy.reply(syn.streamId());
                    if (exit3 && streams.keySet().containsAll(List.of("error", "stdout", "stderr"))) {
                        spdy.data(streams.get("stdout"), "out", false);
                        spdy.data(streams.get("stderr"), "err", false);
                        spdy.data(streams.get("error"), EXIT_3, false);
                        endCommand(spdy, streams);
                    }
                } else if (f instanceof SpdyDataFrame d) {
                    String type = streams.entrySet().stream().filter(e -> e.getValue() == d.streamId()).map(Map.Entry::getKey)
                        .findFirst().orElse("stream " + d.streamId());
                    String text = d.content().toString(StandardCharsets.UTF_8);
                    if (!text.isEmpty()) {
                        spdyEvents.add("data " + type + " " + text);
                        if (type.equals("stdin")) spdy.data(streams.get("stdout"), text, false);
                        if (type.equals("resize")) spdy.data(streams.get("stdout"), "resize " + text, false);
                    }
                    if (d.isLast()) {
                        spdyEvents.add("fin " + type);
                        if (type.equals("stdin")) {
                            spdy.data(streams.get("error"), SUCCESS, false);
                            endCommand(spdy, streams);
                        }
                    }
                } else if (f instanceof SpdyGoAwayFrame) {
                    spdyEvents.add("goaway");
                }
            } finally {
                ReferenceCountUtil.release(f);
            }
        }
        spdyEvents.add("eof");
    }

    /** What containerd does once the command is over: every stream reset, then GOAWAY; the client closes. */
    private static void endCommand(SpdyServerEnd spdy, Map<String, Integer> streams) throws IOException {
        for (int id : streams.values()) spdy.reset(id);
        spdy.goAway();
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
