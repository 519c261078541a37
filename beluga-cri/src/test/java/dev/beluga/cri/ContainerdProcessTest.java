package dev.beluga.cri;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ContainerdProcess behaviour that needs neither root nor containerd. */
class ContainerdProcessTest {

    @Test
    void aMissingBinaryNamesTheDebianPackages(@TempDir Path tmp) {
        ContainerdConfig config = ContainerdConfig.builder(tmp.resolve("node")).build();
        assertThatThrownBy(() -> ContainerdProcess.builder(config).binary(tmp.resolve("no/containerd")).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("containerd executable not found")
                .hasMessageContaining("'containerd' and 'runc'");
        assertThat(config.configFile()).doesNotExist(); // nothing written before the checks pass
    }

    @Test
    void aDaemonThatExitsEarlyFailsTheStartWithItsLog(@TempDir Path tmp) throws Exception {
        assumeTrue(ContainerdProcess.findOnPath("runc").isPresent(), "needs runc on the PATH (start checks for it)");
        Path fake = tmp.resolve("containerd");
        Files.writeString(fake, "#!/bin/sh\necho \"fake containerd: bad config $*\" >&2\nexit 3\n");
        fake.toFile().setExecutable(true);
        ContainerdConfig config = ContainerdConfig.builder(tmp.resolve("node")).build();
        assertThatThrownBy(() -> ContainerdProcess.builder(config).binary(fake).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("containerd exited with status 3 before serving CRI")
                .hasMessageContaining("fake containerd: bad config --config " + config.configFile());
    }

    @Test
    void tailReturnsTheEndOfTheLog(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("log");
        Files.writeString(log, "x".repeat(100) + "the end");
        assertThat(ContainerdProcess.tail(log, 7)).isEqualTo("the end");
        assertThat(ContainerdProcess.tail(tmp.resolve("absent"), 7)).contains("unreadable");
    }

    @Test
    void theChildPathHasTheSbinDirectoriesWhereDebianPutsRunc() {
        assertThat(ContainerdProcess.childPath("/opt/x:/usr/bin"))
                .isEqualTo("/opt/x:/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/bin");
        assertThat(ContainerdProcess.childPath(null))
                .isEqualTo("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }
}
