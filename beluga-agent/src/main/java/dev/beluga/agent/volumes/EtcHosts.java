package dev.beluga.agent.volumes;

import dev.beluga.cri.v1.Mount;
import dev.beluga.cri.v1.MountPropagation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The pod's managed {@code /etc/hosts} ({@code <pod dir>/etc-hosts}), byte for byte as the kubelet writes it:
 * <pre>
 * # Kubernetes-managed hosts file.
 * 127.0.0.1	localhost
 * ::1	localhost ip6-localhost ip6-loopback
 * fe00::0	ip6-localnet
 * fe00::0	ip6-mcastprefix
 * fe00::1	ip6-allnodes
 * fe00::2	ip6-allrouters
 * 10.1.2.3	web-0.web.ns.svc.cluster.local	web-0      (one line per pod IP; without a subdomain: "10.1.2.3	web-0")
 *
 * # Entries added by HostAliases.                    (only with hostAliases)
 * 10.9.9.9	foo.local	bar.local
 * </pre>
 * Separators are tabs. For hostNetwork pods the file is the header {@code # Kubernetes-managed hosts file (host
 * network).} followed by the node's hosts file and the aliases.
 *
 * <p>The file is rewritten in place (truncate and write, mode 0644), never replaced by rename, because running
 * containers bind-mount it by inode. Calls for one pod must be serialized by the caller.
 */
public final class EtcHosts {
    public static final String CONTAINER_PATH = "/etc/hosts";
    static final String HEADER = "# Kubernetes-managed hosts file.\n";
    static final String HEADER_HOST_NETWORK = "# Kubernetes-managed hosts file (host network).\n";

    private EtcHosts() {
    }

    public static String managedContent(List<String> podIPs, PodHostname name, List<HostAlias> aliases) {
        StringBuilder b = new StringBuilder(HEADER)
            .append("127.0.0.1\tlocalhost\n")
            .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .append("fe00::0\tip6-localnet\n")
            .append("fe00::0\tip6-mcastprefix\n")
            .append("fe00::1\tip6-allnodes\n")
            .append("fe00::2\tip6-allrouters\n");
        for (String ip : podIPs) {
            if (name.domain().isEmpty()) b.append(ip).append('\t').append(name.hostname()).append('\n');
            else b.append(ip).append('\t').append(name.hostname()).append('.').append(name.domain()).append('\t').append(name.hostname()).append('\n');
        }
        return b.append(aliasLines(aliases)).toString();
    }

    public static String hostNetworkContent(String nodeHostsFile, List<HostAlias> aliases) {
        return HEADER_HOST_NETWORK + nodeHostsFile + aliasLines(aliases);
    }

    /**
     * Writes the pod's file: the managed content, or for hostNetwork pods the node's {@code nodeHostsFile}
     * ({@code /etc/hosts} on the node) with the aliases.
     *
     * @return the file's path
     */
    public static Path write(PodDirs dirs, Pod pod, List<String> podIPs, String clusterDomain, Path nodeHostsFile) throws IOException {
        String uid = PodDirs.segment(pod.getMetadata().getUid(), "pod UID");
        List<HostAlias> aliases = pod.getSpec().getHostAliases() == null ? List.of() : pod.getSpec().getHostAliases();
        String content = Boolean.TRUE.equals(pod.getSpec().getHostNetwork())
            ? hostNetworkContent(Files.readString(nodeHostsFile, StandardCharsets.UTF_8), aliases)
            : managedContent(podIPs, PodHostname.of(pod, clusterDomain), aliases);
        Path file = dirs.etcHosts(uid);
        Files.createDirectories(file.getParent());
        if (Files.isSymbolicLink(file)) Files.delete(file);
        Files.writeString(file, content, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        FileModes.set(file, 0644);
        return file;
    }

    /**
     * Whether a container of the pod gets the file (the kubelet's rule): the pod has an IP or uses the host network,
     * and the container does not mount something at {@code /etc/hosts} itself.
     */
    public static boolean shouldMount(Pod pod, List<String> podIPs, Container container) {
        boolean base = !podIPs.isEmpty() || Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        if (!base) return false;
        for (VolumeMount m : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            if (CONTAINER_PATH.equals(m.getMountPath())) return false;
        }
        return true;
    }

    /** The CRI mount of the file at {@code /etc/hosts}: writable, SELinux relabel, private propagation. */
    public static Mount mount(Path hostsFile) {
        return Mount.newBuilder().setContainerPath(CONTAINER_PATH).setHostPath(hostsFile.toString()).setReadonly(false)
            .setSelinuxRelabel(true).setPropagation(MountPropagation.PROPAGATION_PRIVATE).build();
    }

    /** {@link #mount} when {@link #shouldMount}, else empty. */
    public static Optional<Mount> mountFor(Pod pod, List<String> podIPs, Container container, Path hostsFile) {
        return shouldMount(pod, podIPs, container) ? Optional.of(mount(hostsFile)) : Optional.empty();
    }

    private static String aliasLines(List<HostAlias> aliases) {
        if (aliases == null || aliases.isEmpty()) return "";
        StringBuilder b = new StringBuilder("\n# Entries added by HostAliases.\n");
        for (HostAlias a : aliases) {
            b.append(a.getIp()).append('\t').append(String.join("\t", a.getHostnames() == null ? List.of() : a.getHostnames())).append('\n');
        }
        return b.toString();
    }
}
