package dev.beluga.agent.volumes;

import dev.beluga.agent.env.EnvVariable;
import dev.beluga.cri.v1.Mount;
import dev.beluga.cri.v1.MountPropagation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.beluga.agent.volumes.TestPods.exists;
import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A container's CRI mounts: paths, read-only, propagation, subPath and subPathExpr with their checks, nesting. */
class ContainerMountsTest {
    @TempDir
    Path root;
    @TempDir
    Path host;

    private final FakeObjectSource objects = new FakeObjectSource();
    private PodVolumes volumes;

    @BeforeEach
    void newVolumes() {
        volumes = new PodVolumes(root, objects, () -> TestPods.ALLOCATABLE);
    }

    private static VolumeMount mount(String name, String path) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).build();
    }

    private Pod podWith(Container c) throws Exception {
        objects.configMap("shop", "cfg", Map.of("app.conf", "x"));
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .addNewVolume().withName("host").withNewHostPath(host.toString(), "Directory").endVolume()
            .addToContainers(c).endSpec().build();
        volumes.setUp(pod);
        return pod;
    }

    private Path scratch() {
        return volumes.dirs().volumeDir("u1", VolumeKind.EMPTY_DIR, "scratch");
    }

    @Test
    void mountsInOrderWithReadOnlyAndPropagation() throws Exception {
        Container c = new ContainerBuilder().withName("main").withVolumeMounts(
            mount("scratch", "/data"),
            new VolumeMountBuilder().withName("host").withMountPath("/host").withReadOnly(true).withMountPropagation("HostToContainer").build(),
            new VolumeMountBuilder().withName("cfg").withMountPath("etc/app").withReadOnly(false).build(),
            new VolumeMountBuilder().withName("scratch").withMountPath("/bi").withMountPropagation("Bidirectional").build(),
            new VolumeMountBuilder().withName("scratch").withMountPath("/none").withMountPropagation("None").build()).build();
        Pod pod = podWith(c);
        List<Mount> mounts = volumes.mounts(pod, c, List.of());
        assertThat(mounts).containsExactly(
            Mount.newBuilder().setContainerPath("/data").setHostPath(scratch().toString()).setPropagation(MountPropagation.PROPAGATION_PRIVATE).build(),
            Mount.newBuilder().setContainerPath("/host").setHostPath(host.toString()).setReadonly(true)
                .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build(),
            Mount.newBuilder().setContainerPath("/etc/app").setHostPath(volumes.dirs().volumeDir("u1", VolumeKind.CONFIG_MAP, "cfg").toString())
                .setReadonly(true).build(),
            Mount.newBuilder().setContainerPath("/bi").setHostPath(scratch().toString()).setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL).build(),
            Mount.newBuilder().setContainerPath("/none").setHostPath(scratch().toString()).build());
    }

    @Test
    void invalidPropagationAndUnknownVolumes() throws Exception {
        Container bad = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withMountPropagation("Sideways").build()).build();
        Pod pod = podWith(bad);
        assertThatThrownBy(() -> volumes.mounts(pod, bad, List.of())).hasMessage("invalid MountPropagation mode: \"Sideways\"");
        Container unknown = new ContainerBuilder().withName("main").withVolumeMounts(mount("ghost", "/g")).build();
        assertThatThrownBy(() -> volumes.mounts(pod, unknown, List.of())).isInstanceOf(VolumeException.class)
            .hasMessage("cannot find volume \"ghost\" to mount into container \"main\"");
    }

    @Test
    void subPathIsCreatedWithTheVolumesModeAndMounted() throws Exception {
        Container c = new ContainerBuilder().withName("main").withVolumeMounts(
            new VolumeMountBuilder().withName("scratch").withMountPath("/logs").withSubPath("app/logs").build(),
            new VolumeMountBuilder().withName("host").withMountPath("/h").withSubPath("sub").build()).build();
        Pod pod = podWith(c);
        List<Mount> mounts = volumes.mounts(pod, c, List.of());
        Path created = scratch().resolve("app/logs");
        assertThat(created).isDirectory();
        assertThat(FileModes.get(created)).isEqualTo(0777);
        assertThat(mounts.get(0).getHostPath()).isEqualTo(created.toRealPath().toString());
        assertThat(mounts.get(1).getHostPath()).isEqualTo(host.resolve("sub").toRealPath().toString());
    }

    @Test
    void subPathOfAConfigMapFileResolvesThroughData() throws Exception {
        Container c = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("cfg").withMountPath("/etc/app.conf").withSubPath("app.conf").build()).build();
        Pod pod = podWith(c);
        Mount m = volumes.mounts(pod, c, List.of()).getFirst();
        Path cfg = volumes.dirs().volumeDir("u1", VolumeKind.CONFIG_MAP, "cfg");
        assertThat(m.getHostPath()).isEqualTo(cfg.resolve(TestPods.dataTarget(cfg)).resolve("app.conf").toRealPath().toString());
        assertThat(m.getReadonly()).isTrue();
        assertThat(Files.readString(Path.of(m.getHostPath()))).isEqualTo("x");
    }

    @Test
    void subPathsThatEscapeTheVolumeAreRejected() throws Exception {
        Container dotdot = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPath("a/../../etc").build()).build();
        Pod pod = podWith(dotdot);
        assertThatThrownBy(() -> volumes.mounts(pod, dotdot, List.of())).isInstanceOf(VolumeException.class)
            .hasMessage("unable to provision SubPath `a/../../etc`: must not contain '..'");
        assertThat(exists(scratch().resolve("a"))).isFalse();

        Container absolute = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPath("/etc").build()).build();
        assertThatThrownBy(() -> volumes.mounts(pod, absolute, List.of())).hasMessage("error SubPath `/etc` must not be an absolute path");

        // a container made a link inside the volume that points out of it
        Path outside = Files.createDirectories(host.resolve("outside"));
        Files.createSymbolicLink(scratch().resolve("escape"), outside);
        Container viaLink = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPath("escape").build()).build();
        assertThatThrownBy(() -> volumes.mounts(pod, viaLink, List.of()))
            .hasMessage("failed to prepare subPath for volumeMount \"scratch\" of container \"main\"");
        Container createViaLink = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPath("escape/new/dir").build()).build();
        assertThatThrownBy(() -> volumes.mounts(pod, createViaLink, List.of()))
            .hasMessage("failed to create subPath directory for volumeMount \"scratch\" of container \"main\"");
        assertThat(TestPods.names(outside)).isEmpty();
        Files.delete(scratch().resolve("escape"));
    }

    @Test
    void linksThatStayInsideTheVolumeAreFine() throws Exception {
        Container c = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPath("alias/more").build()).build();
        Pod pod = podWith(c);
        Path real = Files.createDirectories(scratch().resolve("real"));
        Files.createSymbolicLink(scratch().resolve("alias"), Path.of("real"));
        Mount m = volumes.mounts(pod, c, List.of()).getFirst();
        assertThat(m.getHostPath()).isEqualTo(real.resolve("more").toRealPath().toString());
    }

    @Test
    void subPathExprIsExpandedWithTheContainerEnvironment() throws Exception {
        Container c = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPathExpr("pods/$(POD_NAME)/$$literal").build()).build();
        Pod pod = podWith(c);
        Mount m = volumes.mounts(pod, c, List.of(new EnvVariable("POD_NAME", "web-0"))).getFirst();
        assertThat(m.getHostPath()).isEqualTo(scratch().resolve("pods/web-0/$literal").toRealPath().toString());

        Container missing = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPathExpr("$(B)/$(A)/$(EMPTY)/$(A)").build()).build();
        assertThatThrownBy(() -> volumes.mounts(pod, missing, List.of(new EnvVariable("EMPTY", ""))))
            .hasMessage("missing value for A, B, EMPTY");

        Container escaping = new ContainerBuilder().withName("main")
            .withVolumeMounts(new VolumeMountBuilder().withName("scratch").withMountPath("/x").withSubPathExpr("$(UP)/etc").build()).build();
        assertThatThrownBy(() -> volumes.mounts(pod, escaping, List.of(new EnvVariable("UP", ".."))))
            .hasMessage("unable to provision SubPath `../etc`: must not contain '..'");
    }

    @Test
    void nestedMountPointsAreMadeInsideReadOnlyVolumes() throws Exception {
        objects.secret("shop", "tls", Map.of("tls.crt", "C"));
        objects.configMap("shop", "cfg", Map.of("app.conf", "x"));
        Container c = new ContainerBuilder().withName("main").withVolumeMounts(
            mount("cfg", "/etc/app"), mount("tls", "/etc/app/tls"), mount("deeper", "/etc/app/tls/extra"), mount("other", "/etc/app/conf.d/x")).build();
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .addNewVolume().withName("tls").withNewSecret().withSecretName("tls").endSecret().endVolume()
            .addNewVolume().withName("deeper").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("other").withNewEmptyDir().endEmptyDir().endVolume()
            .addToContainers(c).endSpec().build();
        volumes.setUp(pod);
        Path cfg = volumes.dirs().volumeDir("u1", VolumeKind.CONFIG_MAP, "cfg");
        assertThat(cfg.resolve("tls")).isDirectory();
        assertThat(Files.isSymbolicLink(cfg.resolve("tls"))).isFalse();
        assertThat(cfg.resolve("conf.d/x")).isDirectory();
        assertThat(exists(cfg.resolve("tls/extra"))).isFalse();
        Path tls = volumes.dirs().volumeDir("u1", VolumeKind.SECRET, "tls");
        assertThat(tls.resolve("extra")).isDirectory();
        assertThat(Files.readString(cfg.resolve("app.conf"))).isEqualTo("x");
        // refresh leaves the mount points alone
        objects.configMap("shop", "cfg", Map.of("app.conf", "y"));
        volumes.refresh(pod);
        assertThat(cfg.resolve("tls")).isDirectory();
        assertThat(NestedMountpoints.nested(pod, "cfg")).containsExactly("conf.d/x", "tls");
    }
}
