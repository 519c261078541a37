package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.net.URI;
import java.util.List;

/**
 * {@code GET|POST /attach/{namespace}/{pod}[/{uid}]/{container}?input=1&output=1&error=1&tty=1}: attaches to a
 * running container's process, the session passed through to the runtime's stream server or translated as
 * {@link ExecEndpoint} says. Checks as {@link ExecEndpoint}, with {@link StreamingRuntime#attach} (500 {@code container c not found in pod p_ns}).
 * Thread-safe.
 */
final class AttachEndpoint implements KubeletEndpoint {
    private final StreamingRuntime runtime;
    private final StreamProxy proxy;

    AttachEndpoint(StreamingRuntime runtime, StreamProxy proxy) {
        this.runtime = runtime;
        this.proxy = proxy;
    }

    @Override
    public String name() {
        return "attach";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        StreamTarget t = StreamTarget.container(request, rest);
        RemoteCommandQuery q = RemoteCommandQuery.parse(StreamTarget.query(request));
        URI url = StreamTarget.prepare(() -> runtime.attach(t.namespace(), t.pod(), t.uid(), t.container(), q.streams()));
        String webSocket = RemoteCommandBridge.protocolFor(request);
        if (webSocket != null) proxy.translate(request, response, url, new RemoteCommandBridge(webSocket, q.streams()));
        else proxy.proxy(request, response, url);
    }
}
