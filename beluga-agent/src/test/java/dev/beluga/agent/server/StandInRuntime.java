package dev.beluga.agent.server;

import dev.beluga.cri.StreamFlags;

import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link StreamingRuntime} for the kubelet API's streaming tests: pods "web" (uid u1) and "done" in "default"; the
 * URL it hands out names a {@link FakeStreamServer} on {@link #streamPort}, whose answer the container name picks
 * ({@code token-<container>}; port-forward: {@link #portForwardToken}). Every call is recorded in {@link #calls}.
 */
final class StandInRuntime implements StreamingRuntime {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    volatile int streamPort;
    /** The token of port-forward URLs. */
    volatile String portForwardToken = "echo";

    StandInRuntime(int streamPort) {
        this.streamPort = streamPort;
    }

    @Override
    public URI exec(String namespace, String pod, String podUid, String container, List<String> command, StreamFlags streams) {
        calls.add("exec " + namespace + "/" + pod + "/" + podUid + "/" + container + " " + command + " " + streams);
        return url("exec", namespace, pod, container);
    }

    @Override
    public URI attach(String namespace, String pod, String podUid, String container, StreamFlags streams) {
        calls.add("attach " + namespace + "/" + pod + "/" + podUid + "/" + container + " " + streams);
        return url("attach", namespace, pod, container);
    }

    @Override
    public URI portForward(String namespace, String pod, String podUid, List<Integer> ports) {
        calls.add("portForward " + namespace + "/" + pod + "/" + podUid + " " + ports);
        return url("portforward", namespace, pod, portForwardToken);
    }

    private URI url(String kind, String namespace, String pod, String container) {
        if (!namespace.equals("default") || !(pod.equals("web") || pod.equals("done"))) throw StreamingException.podDoesNotExist();
        if (pod.equals("done")) throw new StreamingException(500, "container not found (\"" + container + "\")");
        return URI.create("http://127.0.0.1:" + streamPort + "/" + kind + "/token-" + container);
    }
}
