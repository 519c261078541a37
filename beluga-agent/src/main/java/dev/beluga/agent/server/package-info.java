/**
 * The kubelet's HTTPS API ({@link dev.beluga.agent.server.KubeletServer}): health, container logs, and exec, attach
 * and port-forward sessions, authenticated by client certificates of the cluster CA; the API server proxies
 * {@code pods/log}, {@code pods/exec}, {@code pods/attach} and {@code pods/portforward} to it. What the agent
 * provides: a {@link dev.beluga.agent.server.ContainerLogLocator}, a {@link dev.beluga.agent.server.StreamingRuntime}
 * (with the {@link dev.beluga.agent.server.StreamDialer} that reaches the runtime's stream server), and a serving
 * certificate ({@link dev.beluga.agent.server.KubeletServingCertificate}). Streaming sessions are HTTP/1.1 upgrades
 * passed through byte for byte ({@link dev.beluga.agent.server.StreamProxy}) where the runtime speaks the client's
 * protocol; WebSockets of {@code v5.channel.k8s.io} and port-forward's SPDY tunnel, which containerd does not speak,
 * are answered by the kubelet and translated to SPDY/3.1 ({@link dev.beluga.agent.server.WebSocketBridge}).
 */
package dev.beluga.agent.server;
