/**
 * The kubelet's HTTPS API ({@link dev.beluga.agent.server.KubeletServer}): health, container logs, and exec, attach
 * and port-forward sessions, authenticated by client certificates of the cluster CA; the API server proxies
 * {@code pods/log}, {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} to it. What the agent
 * provides: a {@link dev.beluga.agent.server.ContainerLogLocator}, a {@link dev.beluga.agent.server.StreamingRuntime}
 * (with the {@link dev.beluga.agent.server.StreamDialer} that reaches the runtime's stream server), and a serving
 * certificate ({@link dev.beluga.agent.server.KubeletServingCertificate}). Streaming sessions are HTTP/1.1 upgrades
 * passed through byte for byte ({@link dev.beluga.agent.server.StreamProxy}): the runtime speaks the protocols.
 */
package dev.beluga.agent.server;
