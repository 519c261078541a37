package dev.beluga.agent.volumes;

import dev.beluga.cri.v1.Mount;
import dev.beluga.cri.v1.MountPropagation;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** The managed /etc/hosts: exact content, host name rules, host network, in-place rewrite, when to mount it. */
class EtcHostsTest {
    @TempDir
    Path root;

    private static final String BASE = """
        # Kubernetes-managed hosts file.
        127.0.0.1\tlocalhost
        ::1\tlocalhost ip6-localhost ip6-loopback
        fe00::0\tip6-localnet
        fe00::0\tip6-mcastprefix
        fe00::1\tip6-allnodes
        fe00::2\tip6-allrouters
        """;

    @Test
    void plainPodWithAliases() throws Exception {
        Pod pod = pod("u1").editSpec().withHostAliases(new HostAlias(List.of("foo.local", "bar.local"), "10.9.9.9"),
            new HostAlias(List.of("baz"), "fd00::9")).endSpec().build();
        Path file = EtcHosts.write(new PodDirs(root), pod, List.of("10.1.0.7", "fd00::7"), "cluster.local", Path.of("/nonexistent"));
        assertThat(file).isEqualTo(root.resolve("pods/u1/etc-hosts"));
        assertThat(Files.readString(file)).isEqualTo(BASE + """
            10.1.0.7\tweb-0
            fd00::7\tweb-0

            # Entries added by HostAliases.
            10.9.9.9\tfoo.local\tbar.local
            fd00::9\tbaz
            """);
        assertThat(FileModes.get(file)).isEqualTo(0644);
    }

    @Test
    void hostnameAndSubdomainGiveTheFullyQualifiedName() {
        Pod pod = pod("u1").editSpec().withHostname("db-1").withSubdomain("db").endSpec().build();
        PodHostname name = PodHostname.of(pod, "cluster.local");
        assertThat(name).isEqualTo(new PodHostname("db-1", "db.shop.svc.cluster.local"));
        assertThat(EtcHosts.managedContent(List.of("10.1.0.8"), name, null))
            .isEqualTo(BASE + "10.1.0.8\tdb-1.db.shop.svc.cluster.local\tdb-1\n");
    }

    @Test
    void longPodNamesAreCutTo63CharactersWithoutTrailingDashOrDot() {
        String name = "a".repeat(61) + "-.b" + "c".repeat(10);
        Pod pod = pod("u1").editMetadata().withName(name).endMetadata().build();
        assertThat(PodHostname.of(pod, "cluster.local").hostname()).isEqualTo("a".repeat(61));
    }

    @Test
    void hostNetworkPodsGetTheNodeFileWithAliases() throws Exception {
        Path nodeHosts = Files.writeString(root.resolve("node-hosts"), "127.0.0.1 localhost\n192.168.1.10 node-a\n");
        Pod pod = pod("u1").editSpec().withHostNetwork(true).withHostAliases(new HostAlias(List.of("x"), "10.0.0.1")).endSpec().build();
        Path file = EtcHosts.write(new PodDirs(root), pod, List.of("192.168.1.10"), "cluster.local", nodeHosts);
        assertThat(Files.readString(file)).isEqualTo("""
            # Kubernetes-managed hosts file (host network).
            127.0.0.1 localhost
            192.168.1.10 node-a

            # Entries added by HostAliases.
            10.0.0.1\tx
            """);
    }

    @Test
    void rewritesKeepTheInodeSoBindMountsSeeThem() throws Exception {
        PodDirs dirs = new PodDirs(root);
        Path file = EtcHosts.write(dirs, pod("u1").build(), List.of(), "cluster.local", Path.of("/nonexistent"));
        Object inode = Files.getAttribute(file, "unix:ino");
        EtcHosts.write(dirs, pod("u1").build(), List.of("10.1.0.7"), "cluster.local", Path.of("/nonexistent"));
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.readString(file)).endsWith("10.1.0.7\tweb-0\n");
    }

    @Test
    void mountedUnlessThePodHasNoIpYetOrTheContainerMountsItsOwn() {
        Path file = root.resolve("pods/u1/etc-hosts");
        var plain = new ContainerBuilder().withName("c").build();
        var own = new ContainerBuilder().withName("c").addNewVolumeMount().withName("v").withMountPath("/etc/hosts").endVolumeMount().build();
        Pod pod = pod("u1").build();
        assertThat(EtcHosts.mountFor(pod, List.of("10.1.0.7"), plain, file)).contains(Mount.newBuilder().setContainerPath("/etc/hosts")
            .setHostPath(file.toString()).setReadonly(false).setSelinuxRelabel(true).setPropagation(MountPropagation.PROPAGATION_PRIVATE).build());
        assertThat(EtcHosts.mountFor(pod, List.of(), plain, file)).isEmpty();
        assertThat(EtcHosts.mountFor(pod, List.of("10.1.0.7"), own, file)).isEmpty();
        Pod hostNet = pod("u1").editSpec().withHostNetwork(true).endSpec().build();
        assertThat(EtcHosts.shouldMount(hostNet, List.of(), plain)).isTrue();
    }
}
