package dev.beluga.agent.volumes;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of mount points from /proc/self/mountinfo. */
class SystemMounterTest {
    @Test
    void octalEscapesAreDecoded() {
        assertThat(SystemMounter.unescape("/var/lib/my\\040dir\\011tab\\134back")).isEqualTo("/var/lib/my dir\ttab\\back");
        assertThat(SystemMounter.unescape("/plain\\x")).isEqualTo("/plain\\x");
    }

    @Test
    void theRootFilesystemIsAMountPoint() throws Exception {
        assertThat(new SystemMounter().isMountPoint(java.nio.file.Path.of("/"))).isTrue();
    }
}
