package dev.beluga.agent.server;

import dev.beluga.cri.StreamFlags;

import java.net.URI;
import java.util.List;

/**
 * Prepares exec, attach and port-forward sessions for the kubelet API ({@code /exec}, {@code /attach},
 * {@code /portForward}): finds the pod and its running container or sandbox and asks the container runtime for a
 * one-time stream URL, which the kubelet API then proxies the client's upgrade request to. What the agent implements
 * over its pods and the runtime ({@link AgentStreamingRuntime}), as upstream's kubelet implements
 * {@code GetExec}/{@code GetAttach}/{@code GetPortForward}.
 *
 * <p>Each method fails with a {@link StreamingException} carrying the kubelet's status and text; in particular 404
 * {@code pod does not exist} when the node has no such pod. Called on request threads (virtual threads), concurrently:
 * implementations must be thread-safe; they may block for the runtime calls.
 *
 * <p>{@code podUid} is the optional uid path segment ({@code /exec/{ns}/{pod}/{uid}/{container}}); empty when absent.
 */
public interface StreamingRuntime {
    /** A one-time URL for running {@code command} in the running container. */
    URI exec(String namespace, String pod, String podUid, String container, List<String> command, StreamFlags streams);

    /**
     * A one-time URL for attaching to the running container's process. The tty flag sent to the runtime is the
     * container's own ({@code spec.containers[].tty}), whatever the request says, as upstream.
     */
    URI attach(String namespace, String pod, String podUid, String container, StreamFlags streams);

    /** A one-time URL for forwarding ports into the pod's sandbox; {@code ports} may be empty (SPDY clients). */
    URI portForward(String namespace, String pod, String podUid, List<Integer> ports);
}
