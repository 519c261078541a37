/**
 * The kubelet's HTTPS API ({@link dev.beluga.agent.server.KubeletServer}): health and container logs, authenticated
 * by client certificates of the cluster CA; the API server proxies {@code pods/log} to it. What the agent provides:
 * a {@link dev.beluga.agent.server.ContainerLogLocator}, and a serving certificate
 * ({@link dev.beluga.agent.server.KubeletServingCertificate}).
 */
package dev.beluga.agent.server;
