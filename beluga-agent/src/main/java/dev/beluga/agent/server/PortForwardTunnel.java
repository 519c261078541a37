package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;
import dev.beluga.http.WebSocket;
import dev.beluga.http.WebSocketHandshake;

import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/**
 * port-forward for WebSocket clients that tunnel SPDY ({@code Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io},
 * kubectl 1.30 and later), as upstream's API server does with its {@code TunnelingHandler}: the runtime gets a SPDY
 * upgrade ({@code POST}, {@code Upgrade: SPDY/3.1}, {@code X-Stream-Protocol-Version} = the offered protocols without
 * the {@code SPDY/3.1+} prefix); after its 101 the client gets {@code SPDY/3.1+} + the protocol the runtime chose, and
 * the two connections are joined: the payloads of the client's binary messages are the client's SPDY frames, written
 * to the runtime as they come; what the runtime sends goes back as binary messages. The kubelet does not look at the
 * SPDY frames, and the ports come per stream inside them, so the query's {@code port} is not needed.
 *
 * <p>The runtime closing its connection finishes the session (see {@link WebSocketRelay}); the client leaving
 * closes the runtime's connection.
 */
final class PortForwardTunnel implements WebSocketBridge {
    private static final Logger log = LoggerFactory.getLogger(PortForwardTunnel.class);
    /** The prefix of a tunnelled SPDY protocol among the WebSocket subprotocols. */
    static final String PREFIX = "SPDY/3.1+";

    private final List<String> protocols;

    /** @param protocols the SPDY protocols to offer the runtime ({@link #spdyProtocols}) */
    PortForwardTunnel(List<String> protocols) {
        this.protocols = List.copyOf(protocols);
    }

    /**
     * The SPDY protocols a WebSocket port-forward request tunnels: its subprotocols {@code SPDY/3.1+<p>.k8s.io},
     * without the prefix, in its order; empty when it tunnels none (or is no WebSocket).
     */
    static List<String> spdyProtocols(Request request) {
        if (!WebSocketHandshake.isWebSocket(request)) return List.of();
        return WebSocketHandshake.offeredProtocols(request).stream()
            .filter(p -> p.startsWith(PREFIX) && p.endsWith(".k8s.io")).map(p -> p.substring(PREFIX.length())).toList();
    }

    @Override
    public List<String> runtimeProtocols() {
        return protocols;
    }

    @Override
    public Session open(ResponseHead head, StreamDialer.Link runtime, InputStream fromRuntime) throws IOException {
        String connection = head.header("Connection");
        String upgrade = head.header("Upgrade");
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")
            || upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("spdy/3.1")) {
            runtime.close();
            throw new KubeletError(500, "unable to upgrade: missing upgrade headers in response\n");
        }
        String chosen = head.header("X-Stream-Protocol-Version");
        String subprotocol = chosen == null || chosen.isBlank() ? null : PREFIX + chosen.trim();
        return new Tunnel(subprotocol, runtime, fromRuntime, runtime.output());
    }

    private static final class Tunnel extends WebSocketRelay {
        private final String subprotocol;
        private final InputStream fromRuntime;
        private final OutputStream toRuntime;
        private final byte[] buffer = new byte[16 * 1024];

        Tunnel(String subprotocol, StreamDialer.Link runtime, InputStream fromRuntime, OutputStream toRuntime) {
            super(runtime);
            this.subprotocol = subprotocol;
            this.fromRuntime = fromRuntime;
            this.toRuntime = toRuntime;
        }

        @Override
        public String subprotocol() {
            return subprotocol;
        }

        @Override
        protected void started(WebSocket ws) {
            Thread.ofVirtual().name("port-forward-tunnel-down").start(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    for (int n; (n = fromRuntime.read(buf)) >= 0; ) ws.sendBinary(buf, 0, n);
                } catch (IOException e) {
                    if (!over()) log.debug("port-forward tunnel: {}", e.toString());
                }
                finish();
            });
        }

        @Override
        protected void clientFrame(WebSocket ws, WebSocket.Frame frame) throws IOException {
            for (int n; (n = ws.read(buffer, 0, buffer.length)) >= 0; ) {
                if (n == 0) continue;
                try {
                    toRuntime.write(buffer, 0, n);
                    toRuntime.flush();
                } catch (IOException e) {
                    throw new RuntimeSideException(e);
                }
            }
        }
    }
}
