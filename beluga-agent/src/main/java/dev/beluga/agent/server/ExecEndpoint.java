package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.net.URI;
import java.util.List;

/**
 * {@code GET|POST /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1&tty=1}: runs a
 * command in a running container, the session passed through to the runtime's stream server (a WebSocket offering
 * {@code v5.channel.k8s.io}: translated to SPDY, {@link RemoteCommandBridge}). Checks in the kubelet's order: path and
 * method (404, 405), query ({@link RemoteCommandQuery}, 400), then {@link StreamingRuntime#exec} (404
 * {@code pod does not exist}, 500 {@code container not found ("c")}, runtime errors), then the upgrade
 * ({@link StreamProxy}). Thread-safe.
 */
final class ExecEndpoint implements KubeletEndpoint {
    private final StreamingRuntime runtime;
    private final StreamProxy proxy;

    ExecEndpoint(StreamingRuntime runtime, StreamProxy proxy) {
        this.runtime = runtime;
        this.proxy = proxy;
    }

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        StreamTarget t = StreamTarget.container(request, rest);
        RemoteCommandQuery q = RemoteCommandQuery.parse(StreamTarget.query(request));
        URI url = StreamTarget.prepare(() -> runtime.exec(t.namespace(), t.pod(), t.uid(), t.container(), q.command(), q.streams()));
        String webSocket = RemoteCommandBridge.protocolFor(request);
        if (webSocket != null) proxy.translate(request, response, url, new RemoteCommandBridge(webSocket, q.streams()));
        else proxy.proxy(request, response, url);
    }
}
