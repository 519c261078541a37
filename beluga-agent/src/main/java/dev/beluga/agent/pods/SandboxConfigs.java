package dev.beluga.agent.pods;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.cri.v1.DNSConfig;
import dev.beluga.cri.v1.Int64Value;
import dev.beluga.cri.v1.LinuxPodSandboxConfig;
import dev.beluga.cri.v1.LinuxSandboxSecurityContext;
import dev.beluga.cri.v1.NamespaceMode;
import dev.beluga.cri.v1.NamespaceOption;
import dev.beluga.cri.v1.PodSandboxConfig;
import dev.beluga.cri.v1.PodSandboxMetadata;
import dev.beluga.cri.v1.PortMapping;
import dev.beluga.cri.v1.Protocol;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSecurityContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The CRI sandbox configuration of a pod, as upstream's kubelet builds it (generatePodSandboxConfig): metadata with
 * the attempt number, hostname, log directory, DNS per dnsPolicy and dnsConfig, hostPort mappings, labels and
 * annotations, the pod cgroup under the agent's cgroup parent, and namespace options (hostNetwork, hostPID, hostIPC,
 * shareProcessNamespace). Pure functions of the pod and the agent's configuration; thread-safe.
 */
public final class SandboxConfigs {
    private final AgentConfig config;
    private final Path hostResolvConf;

    public SandboxConfigs(AgentConfig config, Path hostResolvConf) {
        this.config = config;
        this.hostResolvConf = hostResolvConf;
    }

    public PodSandboxConfig build(Pod pod, int attempt) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
            .setMetadata(PodSandboxMetadata.newBuilder().setName(meta.getName()).setNamespace(meta.getNamespace())
                .setUid(meta.getUid()).setAttempt(attempt))
            .setHostname(hostname(pod))
            .setLogDirectory(logDirectory(pod).toString())
            .setDnsConfig(dns(pod))
            .putLabels(RuntimeLabels.POD_NAME, meta.getName())
            .putLabels(RuntimeLabels.POD_NAMESPACE, meta.getNamespace())
            .putLabels(RuntimeLabels.POD_UID, meta.getUid());
        if (meta.getLabels() != null) meta.getLabels().forEach((k, v) -> {
            if (!k.startsWith("io.kubernetes.")) b.putLabels(k, v);
        });
        if (meta.getAnnotations() != null) b.putAllAnnotations(meta.getAnnotations());
        b.addAllPortMappings(portMappings(pod));
        LinuxSandboxSecurityContext.Builder sc = LinuxSandboxSecurityContext.newBuilder()
            .setNamespaceOptions(namespaces(pod, null));
        PodSecurityContext psc = spec.getSecurityContext();
        if (psc != null) {
            if (psc.getRunAsUser() != null) sc.setRunAsUser(Int64Value.newBuilder().setValue(psc.getRunAsUser()));
            if (psc.getRunAsGroup() != null) sc.setRunAsGroup(Int64Value.newBuilder().setValue(psc.getRunAsGroup()));
            if (psc.getSupplementalGroups() != null) sc.addAllSupplementalGroups(psc.getSupplementalGroups());
            if (psc.getFsGroup() != null) sc.addSupplementalGroups(psc.getFsGroup());
        }
        LinuxPodSandboxConfig.Builder linux = LinuxPodSandboxConfig.newBuilder()
            .setCgroupParent(podCgroup(meta.getUid())).setSecurityContext(sc);
        if (psc != null && psc.getSysctls() != null) psc.getSysctls().forEach(s -> linux.putSysctls(s.getName(), s.getValue()));
        b.setLinux(linux);
        if (hostNetwork) b.setHostname(config.nodeName());
        return b.build();
    }

    /** The pod's cgroup (cgroupfs path): {@code <cgroupParent>/pod<uid>}. */
    public String podCgroup(String uid) {
        return config.cgroupParent() + "/pod" + uid;
    }

    /** Where the pod's container logs go: {@code <logs>/<ns>_<name>_<uid>}. */
    public Path logDirectory(Pod pod) {
        var m = pod.getMetadata();
        return logDirectory(m.getNamespace(), m.getName(), m.getUid());
    }

    public Path logDirectory(String namespace, String name, String uid) {
        return config.podLogsDir().resolve(namespace + "_" + name + "_" + uid);
    }

    static String hostname(Pod pod) {
        String h = pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
            ? pod.getSpec().getHostname() : pod.getMetadata().getName();
        if (h.length() > 63) h = h.substring(0, 63);
        while (h.endsWith("-") || h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h;
    }

    /**
     * Namespace options for the sandbox ({@code container == null}) or one of its containers: the network namespace
     * is the node's for hostNetwork pods, the process namespace the node's (hostPID), the pod's
     * (shareProcessNamespace) or the container's own; IPC is the node's for hostIPC, else the pod's.
     */
    static NamespaceOption namespaces(Pod pod, Container container) {
        var spec = pod.getSpec();
        NamespaceMode pid = Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE
            : Boolean.TRUE.equals(spec.getShareProcessNamespace()) ? NamespaceMode.POD : NamespaceMode.CONTAINER;
        return NamespaceOption.newBuilder()
            .setNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? NamespaceMode.NODE : NamespaceMode.POD)
            .setPid(pid)
            .setIpc(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD)
            .build();
    }

    static List<PortMapping> portMappings(Pod pod) {
        List<PortMapping> out = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) continue;
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() == null || p.getHostPort() == 0) continue;
                Protocol proto = switch (p.getProtocol() == null ? "TCP" : p.getProtocol()) {
                    case "UDP" -> Protocol.UDP;
                    case "SCTP" -> Protocol.SCTP;
                    default -> Protocol.TCP;
                };
                PortMapping.Builder m = PortMapping.newBuilder().setProtocol(proto)
                    .setContainerPort(p.getContainerPort()).setHostPort(p.getHostPort());
                if (p.getHostIP() != null) m.setHostIp(p.getHostIP());
                out.add(m.build());
            }
        }
        return out;
    }

    /**
     * DNS per dnsPolicy, as upstream: ClusterFirst (and ClusterFirstWithHostNet for hostNetwork pods) uses the
     * cluster DNS servers with the search path {@code <ns>.svc.<domain> svc.<domain> <domain>} plus the node's, and
     * {@code ndots:5}; Default (and ClusterFirst without configured cluster DNS, or a hostNetwork pod with
     * ClusterFirst) uses the node's resolv.conf; None uses only dnsConfig. dnsConfig's servers, searches and options
     * are then merged in.
     */
    DNSConfig dns(Pod pod) {
        var spec = pod.getSpec();
        String policy = spec.getDnsPolicy() == null ? "ClusterFirst" : spec.getDnsPolicy();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        if ("ClusterFirst".equals(policy) && hostNetwork) policy = "Default";
        if ("ClusterFirstWithHostNet".equals(policy)) policy = "ClusterFirst";
        if ("ClusterFirst".equals(policy) && config.clusterDns().isEmpty()) policy = "Default";
        ResolvConf host = hostResolv();
        Set<String> servers = new LinkedHashSet<>();
        Set<String> searches = new LinkedHashSet<>();
        List<String> options = new ArrayList<>();
        switch (policy) {
            case "ClusterFirst" -> {
                servers.addAll(config.clusterDns());
                String d = config.clusterDomain();
                searches.add(pod.getMetadata().getNamespace() + ".svc." + d);
                searches.add("svc." + d);
                searches.add(d);
                searches.addAll(host.searches());
                options.add("ndots:5");
            }
            case "None" -> { }
            default -> {
                servers.addAll(host.servers());
                searches.addAll(host.searches());
                options.addAll(host.options());
            }
        }
        PodDNSConfig extra = spec.getDnsConfig();
        if (extra != null) {
            if (extra.getNameservers() != null) servers.addAll(extra.getNameservers());
            if (extra.getSearches() != null) searches.addAll(extra.getSearches());
            if (extra.getOptions() != null) {
                for (PodDNSConfigOption o : extra.getOptions()) {
                    options.removeIf(x -> x.split(":")[0].equals(o.getName()));
                    options.add(o.getValue() == null ? o.getName() : o.getName() + ":" + o.getValue());
                }
            }
        }
        return DNSConfig.newBuilder().addAllServers(servers).addAllSearches(searches.stream().limit(32).toList())
            .addAllOptions(options).build();
    }

    private volatile ResolvConf cachedResolv;
    private volatile long cachedResolvAt;

    /** The node's resolv.conf, re-read at most once a minute. */
    private ResolvConf hostResolv() {
        long now = System.nanoTime();
        ResolvConf r = cachedResolv;
        if (r == null || now - cachedResolvAt > 60_000_000_000L) {
            r = ResolvConf.read(hostResolvConf);
            cachedResolv = r;
            cachedResolvAt = now;
        }
        return r;
    }

    /** The parts of a resolv.conf the kubelet uses. */
    record ResolvConf(List<String> servers, List<String> searches, List<String> options) {
        static ResolvConf read(Path file) {
            List<String> servers = new ArrayList<>();
            List<String> searches = new ArrayList<>();
            List<String> options = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) continue;
                    List<String> rest = List.of(f).subList(1, f.length);
                    switch (f[0]) {
                        case "nameserver" -> servers.add(f[1]);
                        case "search", "domain" -> { searches.clear(); searches.addAll(rest); }
                        case "options" -> options.addAll(rest);
                        default -> { }
                    }
                }
            } catch (IOException ignored) {
                // no resolv.conf: no servers
            }
            return new ResolvConf(servers, searches, options);
        }
    }
}
