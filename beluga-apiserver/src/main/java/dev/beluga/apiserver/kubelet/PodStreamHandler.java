package dev.beluga.apiserver.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.ApiHandler;
import dev.beluga.apiserver.http.Exchange;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;

import java.net.URI;
import java.util.List;

/**
 * The connect subresources {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} (GET or POST with an
 * HTTP/1.1 upgrade): located on the pod's node as upstream's {@code ExecLocation}, {@code AttachLocation} and
 * {@code PortForwardLocation} do, then passed through to its kubelet ({@link KubeletStreamProxy}).
 *
 * <p>Order of checks, as upstream: the method (405); the query ({@link PodStreamOptions}, 400); the pod (404); for
 * exec and attach the container ({@link PodContainers}, 400); a pod not bound to a node: 400
 * {@code pod <name> does not have a host assigned}; the node (404) and its kubelet address ({@link KubeletAddress},
 * 500); then the upgrade itself. The kubelet gets {@code /exec/<ns>/<pod>/<container>?command=…&error=1&input=1&output=1&tty=1},
 * {@code /attach/…} or {@code /portForward/<ns>/<pod>?port=80,8080}.
 *
 * <p>Runs on the request's thread (a virtual thread: these paths are long-running, see {@code LongRunning}) until the
 * 101 is written; the session then goes on without a request thread. Thread-safe.
 */
public final class PodStreamHandler implements ApiHandler.SubresourceHandler {
    private final RegistryStore pods;
    private final RegistryStore nodes;
    private final KubeletStreamProxy proxy;

    /** @param tls how to connect to kubelets */
    public PodStreamHandler(ResourceRegistry registry, KubeletClientTls tls) {
        this.pods = registry.get("", "v1", "pods");
        this.nodes = registry.get("", "v1", "nodes");
        this.proxy = new KubeletStreamProxy(new KubeletStreamDialer(tls));
    }

    @Override
    public boolean handle(Exchange ex, ResourceType type, String namespace, String name, String subresource) throws Exception {
        if (!type.group().isEmpty() || !type.plural().equals("pods")) return false;
        if (!List.of("exec", "attach", "portforward").contains(subresource)) return false;
        if (!ex.method().equals("GET") && !ex.method().equals("POST"))
            throw new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        String path;
        String query;
        ObjectNode pod;
        if (subresource.equals("portforward")) {
            List<Integer> ports = PodStreamOptions.ports(ex);
            pod = pods.get(namespace, name, null);
            path = "/portForward/" + namespace + "/" + name;
            query = PodStreamOptions.portForwardQuery(ports);
        } else {
            PodStreamOptions options = PodStreamOptions.parse(ex, subresource.equals("exec"));
            pod = pods.get(namespace, name, null);
            String container = PodContainers.choose(pod, options.container());
            path = "/" + subresource + "/" + namespace + "/" + name + "/" + container;
            query = options.kubeletQuery();
        }
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) throw StatusException.badRequest("pod " + name + " does not have a host assigned");
        KubeletAddress kubelet = KubeletAddress.of(nodes.get(null, nodeName, null));
        URI target = kubelet.uri(path, query);
        proxy.proxy(ex, kubelet, target);
        return true;
    }
}
