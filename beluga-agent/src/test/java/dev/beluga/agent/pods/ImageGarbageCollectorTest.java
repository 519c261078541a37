package dev.beluga.agent.pods;

import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.testing.NodeTestEnv;
import dev.beluga.cri.v1.ContainerConfig;
import dev.beluga.cri.v1.ContainerMetadata;
import dev.beluga.cri.v1.ImageFilter;
import dev.beluga.cri.v1.ImageSpec;
import dev.beluga.cri.v1.LinuxPodSandboxConfig;
import dev.beluga.cri.v1.LinuxSandboxSecurityContext;
import dev.beluga.cri.v1.NamespaceMode;
import dev.beluga.cri.v1.NamespaceOption;
import dev.beluga.cri.v1.PodSandboxConfig;
import dev.beluga.cri.v1.PodSandboxMetadata;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageGarbageCollectorTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static ImageGarbageCollector.Candidate c(String id, int firstSeenMin, int lastUsedMin) {
        return new ImageGarbageCollector.Candidate(id, id, 100, T0.plusSeconds(60L * firstSeenMin), T0.plusSeconds(60L * lastUsedMin));
    }

    @Test
    void leastRecentlyUsedGoFirstAndYoungImagesStay() {
        ImageGcPolicy p = new ImageGcPolicy(85, 80, Duration.ofMinutes(2));
        List<ImageGarbageCollector.Candidate> order = ImageGarbageCollector.select(
            List.of(c("recent", 0, 9), c("old", 0, 1), c("young", 9, 9), c("never-used", 2, 2)), T0.plusSeconds(600), p);
        assertThat(order).extracting(ImageGarbageCollector.Candidate::id).containsExactly("old", "never-used", "recent");
    }

    @Test
    void thresholdsAreChecked() {
        assertThatThrownBy(() -> new ImageGcPolicy(80, 85, Duration.ZERO)).hasMessageContaining("low threshold");
        assertThatThrownBy(() -> new ImageGcPolicy(101, 80, Duration.ZERO)).hasMessageContaining("high threshold");
        assertThat(new ImageGcPolicy(100, 80, Duration.ZERO).disabled()).isTrue();
    }

    @Test
    void overTheThresholdUnusedImagesGoButUsedAndSandboxImagesStay() throws Exception {
        Path base = Files.createTempDirectory("beluga-image-gc");
        try (NodeTestEnv node = NodeTestEnv.start(base.resolve("images"))) {
            var usage = new ImageGarbageCollector.DiskUsage(1000, 900); // 90 % full: free down to 80 %
            ImageGarbageCollector gc = new ImageGarbageCollector(node.cri, new ImageGcPolicy(85, 80, Duration.ZERO), () -> usage,
                Set.of(BuiltinImages.PAUSE_IMAGE), Clock.systemUTC());
            String uid = UUID.randomUUID().toString();
            String cgroupParent = "/beluga-test-gc-" + uid.substring(0, 8);
            PodSandboxConfig sandboxConfig = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("gc-test").setNamespace("default").setUid(uid))
                .setLogDirectory(Files.createDirectories(base.resolve("logs")).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent)
                    .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE))))
                .build();
            String sandbox = node.cri.runPodSandbox(sandboxConfig, null);
            try {
                String container = node.cri.createContainer(sandbox, ContainerConfig.newBuilder()
                    .setMetadata(ContainerMetadata.newBuilder().setName("user"))
                    .setImage(ImageSpec.newBuilder().setImage(BuiltinImages.BUSYBOX_IMAGE)).addCommand("true")
                    .setLogPath("user/0.log").build(), sandboxConfig);
                ImageGarbageCollector.Result kept = gc.collect();
                assertThat(kept.ran()).isTrue();
                assertThat(kept.removed()).as("busybox is used by a container, pause is the sandbox image").isEmpty();
                node.cri.removeContainer(container);
                ImageGarbageCollector.Result freed = gc.collect();
                assertThat(freed.removed()).singleElement().asString().contains("busybox");
                assertThat(tags(node)).anyMatch(t -> t.contains("pause")).noneMatch(t -> t.contains("busybox"));
            } finally {
                node.cri.stopPodSandbox(sandbox);
                node.cri.removePodSandbox(sandbox);
                new PodTerminator(node.cri, null, Path.of("/sys/fs/cgroup")).removeCgroupParent(cgroupParent);
            }
        } finally {
            NodeTestEnv.deleteTree(base);
        }
    }

    @Test
    void belowTheThresholdNothingIsRemoved() throws Exception {
        Path base = Files.createTempDirectory("beluga-image-gc");
        try (NodeTestEnv node = NodeTestEnv.start(base.resolve("images"))) {
            ImageGarbageCollector gc = new ImageGarbageCollector(node.cri, ImageGcPolicy.DEFAULT,
                () -> new ImageGarbageCollector.DiskUsage(1000, 500), Set.of(BuiltinImages.PAUSE_IMAGE), Clock.systemUTC());
            assertThat(gc.collect().ran()).isFalse();
            assertThat(tags(node)).anyMatch(t -> t.contains("busybox"));
        } finally {
            NodeTestEnv.deleteTree(base);
        }
    }

    static List<String> tags(NodeTestEnv node) {
        return node.cri.listImages(ImageFilter.getDefaultInstance()).stream().flatMap(i -> i.getRepoTagsList().stream()).toList();
    }
}
