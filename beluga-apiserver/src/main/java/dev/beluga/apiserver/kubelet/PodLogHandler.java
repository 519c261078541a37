package dev.beluga.apiserver.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.ApiHandler;
import dev.beluga.apiserver.http.Exchange;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log}: the container log, proxied from the kubelet of the pod's node
 * (upstream {@code LogREST} with {@code LogLocation} and {@code LocationStreamer}).
 *
 * <p>Order of checks, as upstream: query decoding (400) and validation (422, {@link PodLogOptions}); the pod (404);
 * the container ({@link PodContainers}, 400); a pod not bound to a node: 204 No Content without a body; the node
 * (404) and its kubelet address ({@link KubeletAddress}); then {@code GET https://<address>:<port>/containerLogs/
 * <ns>/<pod>/<container>?<options>} ({@link KubeletClient}): unreachable 500, error answers mapped by
 * {@link KubeletResponses}.
 *
 * <p>Streaming: 200 {@code text/plain}, headers sent at once, then every chunk read from the kubelet is written and
 * flushed, so that {@code kubectl logs -f} shows lines as they come. When the client goes away the kubelet connection
 * is closed at once ({@link ClientDisconnect}), also while the log is quiet; when the kubelet ends the stream (or its
 * connection breaks) the response ends. Runs on the request's thread (a virtual thread of its own for
 * {@code follow=true}: see {@code LongRunning}). Thread-safe; {@link #close()} aborts open streams.
 */
public final class PodLogHandler implements ApiHandler.SubresourceHandler, AutoCloseable {
    private static final int CHUNK = 16 * 1024;

    private final RegistryStore pods;
    private final RegistryStore nodes;
    private final KubeletClient kubelets;

    /** @param tls how to connect to kubelets */
    public PodLogHandler(ResourceRegistry registry, KubeletClientTls tls) {
        this.pods = registry.get("", "v1", "pods");
        this.nodes = registry.get("", "v1", "nodes");
        this.kubelets = new KubeletClient(tls);
    }

    @Override
    public boolean handle(Exchange ex, ResourceType type, String namespace, String name, String subresource) throws Exception {
        if (!type.group().isEmpty() || !type.plural().equals("pods") || !subresource.equals("log")) return false;
        if (!ex.method().equals("GET"))
            throw new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        PodLogOptions options = PodLogOptions.parse(ex);
        options.validate(name);
        ObjectNode pod = pods.get(namespace, name, null);
        String container = PodContainers.choose(pod, options.container());
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            ex.start(204, null); // not scheduled: nothing to show yet
            return true;
        }
        KubeletAddress kubelet = KubeletAddress.of(nodes.get(null, nodeName, null));
        URI uri = kubelet.uri("/containerLogs/" + namespace + "/" + name + "/" + container, options.kubeletQuery());
        HttpResponse<InputStream> upstream = kubelets.get(uri, options.insecureSkipTLSVerifyBackend(), name);
        stream(ex, upstream.body(), options.follow());
        return true;
    }

    private static void stream(Exchange ex, InputStream in, boolean follow) {
        try (in; ClientDisconnect client = new ClientDisconnect(ex.request(), () -> closeQuietly(in))) {
            ex.start(200, "text/plain");
            if (follow) ex.request().addIdleTimeoutListener(timeout -> false); // a quiet log is no failure
            OutputStream out = ex.output();
            out.flush();
            byte[] buf = new byte[CHUNK];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    break; // the kubelet's stream broke, or the client left and it was closed
                }
                if (n < 0) break;
                out.write(buf, 0, n);
                out.flush();
            }
            if (client.gone()) throw new UncheckedIOException(new IOException("the client went away"));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to the client failed: it went away
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    @Override
    public void close() {
        kubelets.close();
    }
}
