package dev.beluga.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one node agent runs.
 *
 * @param nodeName        the Node's name (kubernetes.io/hostname)
 * @param dataDir         the agent's own directory: containerd's node dir, pods' volumes, container logs
 * @param criSocket       an existing CRI socket to use; empty = start and supervise containerd under {@code dataDir}
 * @param nodeIp          the node's InternalIP; empty = the machine's first IPv4 address
 * @param kubeletPort     the kubelet API's port (10250 upstream; 0 = any free port)
 * @param nodeLabels      extra labels on the Node (e.g. node-role.kubernetes.io/control-plane)
 * @param clusterDns      the cluster DNS servers written into pods' resolv.conf for dnsPolicy ClusterFirst; empty = the
 *                        node's own resolv.conf (upstream's fallback when no cluster DNS is configured)
 * @param clusterDomain   the cluster's DNS domain (cluster.local)
 * @param sandboxImage    the pause image every pod sandbox runs
 * @param maxPods         the Node's pods capacity (110 upstream)
 * @param syncPeriod      how often every pod is re-synced even without events
 * @param leaseDuration   the Lease's duration; it is renewed every quarter of it (40 s → 10 s upstream)
 * @param cgroupParent    the cgroup (cgroupfs path) under which pods' cgroups are made, e.g. /beluga/node-1
 * @param cniConfDir      where the runtime reads its CNI network config (containerd's conf_dir)
 * @param hostGwRoutes    whether the agent routes other nodes' pod CIDRs via their InternalIPs (nodes on one link)
 * @param proxyMode       how Service traffic is forwarded on the node: nftables, userspace, none, or auto (nftables
 *                        when the nft command and the kernel allow it, else userspace)
 * @param clusterCidr     where every pod of the cluster has its address (10.42.0.0/16 as k3s): pods' connections
 *                        to anything else are masqueraded to the node's address
 */
public record AgentConfig(String nodeName, Path dataDir, Optional<Path> criSocket, Optional<String> nodeIp,
                          int kubeletPort, Map<String, String> nodeLabels, List<String> clusterDns, String clusterDomain,
                          String sandboxImage, int maxPods, Duration syncPeriod, Duration leaseDuration,
                          String cgroupParent, Path cniConfDir, boolean hostGwRoutes, String proxyMode,
                          String clusterCidr) {

    /** Defaults as upstream's kubelet (and k3s's where upstream has none) for a node with this name and directory. */
    public static AgentConfig defaults(String nodeName, Path dataDir, String sandboxImage) {
        return new AgentConfig(nodeName, dataDir, Optional.empty(), Optional.empty(), 10250, Map.of(), List.of(),
            "cluster.local", sandboxImage, 110, Duration.ofSeconds(10), Duration.ofSeconds(40), "/beluga/" + nodeName,
            dataDir.resolve("containerd").resolve("net.d"), false, "auto", "10.42.0.0/16");
    }

    public AgentConfig withCriSocket(Path socket) {
        return new AgentConfig(nodeName, dataDir, Optional.of(socket), nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withNodeIp(String ip) {
        return new AgentConfig(nodeName, dataDir, criSocket, Optional.of(ip), kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withKubeletPort(int port) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, port, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withNodeLabels(Map<String, String> labels) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, Map.copyOf(labels), clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withClusterDns(List<String> servers) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, List.copyOf(servers),
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withSyncPeriod(Duration period) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, period, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withCniConfDir(Path dir) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, dir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withCgroupParent(String parent) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, parent, cniConfDir, hostGwRoutes, proxyMode, clusterCidr);
    }

    public AgentConfig withHostGwRoutes(boolean on) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, on, proxyMode, clusterCidr);
    }

    public AgentConfig withProxyMode(String mode) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, mode, clusterCidr);
    }

    public AgentConfig withClusterCidr(String cidr) {
        return new AgentConfig(nodeName, dataDir, criSocket, nodeIp, kubeletPort, nodeLabels, clusterDns,
            clusterDomain, sandboxImage, maxPods, syncPeriod, leaseDuration, cgroupParent, cniConfDir, hostGwRoutes, proxyMode, cidr);
    }

    /** Static pod manifests: every Pod file here runs on the node, with a mirror pod in the API. */
    public Path podManifestDir() {
        return dataDir.resolve("pod-manifests");
    }

    /** Where pods' files live: {@code <dataDir>/pods/<uid>/...}. */
    public Path podsDir() {
        return dataDir.resolve("pods");
    }

    /** Where container logs live: {@code <dataDir>/logs/pods/<ns>_<name>_<uid>/<container>/<attempt>.log}. */
    public Path podLogsDir() {
        return dataDir.resolve("logs").resolve("pods");
    }

    /** containerd's node directory (config, root, state, socket) when the agent runs its own containerd. */
    public Path containerdDir() {
        return dataDir.resolve("containerd");
    }
}
