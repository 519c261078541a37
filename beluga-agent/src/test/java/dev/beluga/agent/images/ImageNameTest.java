package dev.beluga.agent.images;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageNameTest {
    @Test
    void fullTaggedNamesParse() {
        assertThat(ImageName.parse("docker.io/library/busybox:1.35").tag()).isEqualTo("1.35");
        assertThat(ImageName.parse("docker.io/beluga/pause:3.10").tag()).isEqualTo("3.10");
        assertThat(ImageName.parse("localhost:5000/team/app:v1-rc.2").tag()).isEqualTo("v1-rc.2");
        assertThat(ImageName.parse("localhost/app:latest").tag()).isEqualTo("latest");
        assertThat(ImageName.parse("registry.k8s.io/pause:3.9").name()).isEqualTo("registry.k8s.io/pause:3.9");
    }

    @Test
    void partialOrInvalidNamesAreRejected() {
        for (String bad : List.of("busybox", "busybox:1.35", "library/busybox:1.35", "docker.io/library/busybox",
                "localhost:5000/app", "docker.io/library/busybox@sha256:" + "0".repeat(64), "import-2026-01-01:1.35",
                "docker.io/Library/busybox:1", "docker.io//busybox:1", "docker.io/library/busybox:", "docker.io/x:-a")) {
            assertThatThrownBy(() -> ImageName.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
