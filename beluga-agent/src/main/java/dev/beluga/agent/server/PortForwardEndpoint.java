package dev.beluga.agent.server;

import dev.beluga.http.WebSocketHandshake;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.net.URI;
import java.util.List;

/**
 * {@code GET|POST /portForward/{namespace}/{pod}[/{uid}][?port=80,8080]}: forwards TCP connections into the pod's
 * network namespace, the session passed through to the runtime's stream server (a WebSocket tunnelling SPDY,
 * {@code SPDY/3.1+portforward.k8s.io}: answered by the kubelet, {@link PortForwardTunnel}). Checks in the kubelet's
 * order: path and method (404, 405), the ports of a WebSocket request with channels ({@link PortForwardQuery}, 400;
 * a tunnelling one names them inside the tunnel), then
 * {@link StreamingRuntime#portForward} (404 {@code pod does not exist}, 404 {@code pod not found} for another uid, 500
 * {@code pod not found ("p_ns")} when nothing of it runs), then the upgrade ({@link StreamProxy}). Thread-safe.
 */
final class PortForwardEndpoint implements KubeletEndpoint {
    private final StreamingRuntime runtime;
    private final StreamProxy proxy;

    PortForwardEndpoint(StreamingRuntime runtime, StreamProxy proxy) {
        this.runtime = runtime;
        this.proxy = proxy;
    }

    @Override
    public String name() {
        return "portForward";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        StreamTarget t = StreamTarget.pod(request, rest);
        List<String> tunnelled = PortForwardTunnel.spdyProtocols(request);
        boolean channels = tunnelled.isEmpty() && WebSocketHandshake.isWebSocket(request);
        List<Integer> ports = PortForwardQuery.parse(StreamTarget.query(request), channels);
        URI url = StreamTarget.prepare(() -> runtime.portForward(t.namespace(), t.pod(), t.uid(), ports));
        if (tunnelled.isEmpty()) proxy.proxy(request, response, url);
        else proxy.translate(request, response, url, new PortForwardTunnel(tunnelled));
    }
}
